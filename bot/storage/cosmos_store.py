"""The production engine: Azure Cosmos DB (NoSQL API) through the async azure-cosmos client.

Every container is partitioned on `/pk`, holding the partition value the repositories choose (pair
id, person id, programme id, author id, UTC hour); an item is {id, pk, body, ttl?}, so the body
round-trips exactly whatever fields it has. Updates are conditional on the ETag read. 429s
are retried by the SDK (honouring x-ms-retry-after-ms) up to `max_throttle_retries`; after that
the store raises StoreBusy and the caller tells the person to try again: nothing is half-written,
because each write is one document.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, AsyncIterator, Mapping

from azure.core import MatchConditions
from azure.core.exceptions import ServiceRequestError, ServiceResponseError
from azure.cosmos import PartitionKey
from azure.cosmos.aio import ContainerProxy, CosmosClient
from azure.identity.aio import DefaultAzureCredential, ManagedIdentityCredential
from azure.cosmos.exceptions import (
    CosmosAccessConditionFailedError, CosmosHttpResponseError, CosmosResourceExistsError, CosmosResourceNotFoundError,
)

from bot.storage.documents import (
    BOT_STATE, CONTAINERS, Document, DocumentExists, DocumentNotFound, DocumentStore, EtagMismatch, StoreBusy, StoreTimeout,
)

log = logging.getLogger(__name__)

PARTITION_PATH = "/pk"
DAY = 24 * 60 * 60

# Retention: idle conversation state and finished due work expire; records of the programme itself
# (-1: TTL on, no default) expire only where an item carries its own `ttl`.
DEFAULT_TTL_SECONDS: dict[str, int] = {name: -1 for name in CONTAINERS} | {BOT_STATE: 30 * DAY}
BUSY_STATUSES = {408, 429, 449, 500, 502, 503, 504}


@dataclass(frozen=True)
class CosmosSettings:
    endpoint: str
    database: str = "tandem"
    key: str = ""  # empty: authenticate with Microsoft Entra ID (managed identity) instead
    managed_identity_client_id: str = ""  # for a user-assigned managed identity
    max_throttle_retries: int = 9
    max_throttle_wait_seconds: int = 30
    # Every call, with its retries, is over within this: a turn must finish inside Teams' 15 s.
    call_budget_seconds: float = 4.0

    def __repr__(self) -> str:  # the key never reaches a log
        return f"CosmosSettings(endpoint={self.endpoint!r}, database={self.database!r}, key={'***' if self.key else ''!r})"


def _busy(error: CosmosHttpResponseError | ServiceRequestError | ServiceResponseError) -> bool:
    return not isinstance(error, CosmosHttpResponseError) or error.status_code in BUSY_STATUSES


def credential_for(settings: CosmosSettings) -> Any:
    """The account key for local use; otherwise Microsoft Entra ID: the app's managed identity in Azure
    (a user-assigned one if its client id is given), or a developer's Azure CLI sign-in."""
    if settings.key:
        return settings.key
    if settings.managed_identity_client_id:
        return ManagedIdentityCredential(client_id=settings.managed_identity_client_id)
    return DefaultAzureCredential()


class CosmosDocumentStore(DocumentStore):
    def __init__(self, client: CosmosClient, containers: dict[str, ContainerProxy], credential: Any = None,
                 call_budget_seconds: float = 4.0):
        self._budget = call_budget_seconds
        self._client = client
        self._containers = containers
        self._credential = credential

    @classmethod
    async def open(cls, settings: CosmosSettings) -> "CosmosDocumentStore":
        credential = credential_for(settings)
        client = CosmosClient(
            settings.endpoint, credential=credential,
            retry_throttle_total=settings.max_throttle_retries,
            retry_throttle_backoff_max=min(settings.max_throttle_wait_seconds, int(settings.call_budget_seconds)),
            connection_timeout=max(1, int(settings.call_budget_seconds)),
        )
        await client.__aenter__()
        try:
            database = await client.create_database_if_not_exists(settings.database)
            containers = {}
            for name in CONTAINERS:
                containers[name] = await database.create_container_if_not_exists(
                    name, partition_key=PartitionKey(path=PARTITION_PATH), default_ttl=DEFAULT_TTL_SECONDS[name])
        except BaseException:
            await client.close()
            raise
        return cls(client, containers, None if settings.key else credential, settings.call_budget_seconds)

    async def close(self) -> None:
        await self._client.close()
        if self._credential is not None:
            await self._credential.close()

    async def container_ttl(self, container: str) -> int | None:
        return (await self._containers[container].read()).get("defaultTtl")

    @staticmethod
    def _doc(container: str, item: dict[str, Any]) -> Document:
        return Document(container, item["pk"], item["id"], item["body"], item["_etag"])

    @staticmethod
    def _item(partition: str, id: str, body: dict[str, Any]) -> dict[str, Any]:
        item = {"id": id, "pk": partition, "body": body}
        if isinstance(body.get("ttl"), int):
            item["ttl"] = body["ttl"]  # retention set by policy on this item (seconds)
        return item

    @asynccontextmanager
    async def _translated(self, container: str, partition: str, id: str) -> AsyncIterator[None]:
        """Cosmos DB errors become the store contract's errors, and no call outlasts its budget."""
        where = f"{container}/{partition}/{id}"
        try:
            async with asyncio.timeout(self._budget):
                yield
        except TimeoutError as error:
            raise StoreTimeout(f"Cosmos DB did not answer for {where} within {self._budget} s") from error
        except CosmosResourceNotFoundError as error:
            raise DocumentNotFound(where) from error
        except CosmosResourceExistsError as error:
            raise DocumentExists(where) from error
        except CosmosAccessConditionFailedError as error:
            raise EtagMismatch(where) from error
        except (CosmosHttpResponseError, ServiceRequestError, ServiceResponseError) as error:
            if _busy(error):
                raise StoreBusy(f"Cosmos DB did not answer for {where} after retries") from error
            raise

    async def read(self, container: str, partition: str, id: str) -> Document:
        async with self._translated(container, partition, id):
            item = await self._containers[container].read_item(id, partition_key=partition)
        return self._doc(container, item)

    async def create(self, container: str, partition: str, id: str, body: dict[str, Any]) -> Document:
        async with self._translated(container, partition, id):
            item = await self._containers[container].create_item(self._item(partition, id, body))
        return self._doc(container, item)

    async def replace(self, container: str, partition: str, id: str, body: dict[str, Any], if_match: str) -> Document:
        async with self._translated(container, partition, id):
            item = await self._containers[container].replace_item(
                id, self._item(partition, id, body), etag=if_match, match_condition=MatchConditions.IfNotModified)
        return self._doc(container, item)

    async def upsert(self, container: str, partition: str, id: str, body: dict[str, Any]) -> Document:
        async with self._translated(container, partition, id):
            item = await self._containers[container].upsert_item(self._item(partition, id, body))
        return self._doc(container, item)

    async def delete(self, container: str, partition: str, id: str, if_match: str | None = None) -> None:
        condition = {"etag": if_match, "match_condition": MatchConditions.IfNotModified} if if_match else {}
        try:
            async with self._translated(container, partition, id):
                await self._containers[container].delete_item(id, partition_key=partition, **condition)
        except DocumentNotFound:
            return  # deleting what is not there is fine

    async def query(self, container: str, partition: str, equals: Mapping[str, Any] | None = None) -> list[Document]:
        # The partition key is filtered in the SQL itself as well as scoped by the request: a
        # single-partition query, cheap in RUs, whatever the client does with partition_key.
        sql = "SELECT * FROM c WHERE c.pk = @pk"
        parameters: list[dict[str, Any]] = [{"name": "@pk", "value": partition}]
        for index, (field, value) in enumerate((equals or {}).items()):
            if not field.isidentifier():
                raise ValueError(f"not a field name: {field!r}")
            sql += f" AND c.body.{field} = @v{index}"
            parameters.append({"name": f"@v{index}", "value": value})
        async with self._translated(container, partition, "(query)"):
            items = [item async for item in self._containers[container].query_items(
                sql, parameters=parameters, partition_key=partition)]
        return sorted((self._doc(container, item) for item in items), key=lambda d: d.id)
