"""The mentoring model and its rules: plain Python with no Bot Framework or storage imports."""
