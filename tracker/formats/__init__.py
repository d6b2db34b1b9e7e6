"""Date and number formats per language (settings.FORMAT_MODULE_PATH), as each language writes them."""
