"""Engine selection: Cosmos DB when it is configured, the embedded SQLite file otherwise."""

from __future__ import annotations

from bot.settings import Settings
from bot.storage.cosmos_store import CosmosDocumentStore, CosmosSettings
from bot.storage.documents import DocumentStore
from bot.storage.sqlite_store import SqliteDocumentStore


async def open_store(settings: Settings) -> DocumentStore:
    if settings.cosmos_endpoint:
        return await CosmosDocumentStore.open(CosmosSettings(
            endpoint=settings.cosmos_endpoint, database=settings.cosmos_database, key=settings.cosmos_key,
            managed_identity_client_id=settings.cosmos_identity_client_id,
        ))
    return await SqliteDocumentStore.open(settings.data_path)
