"""One module per emulated service: routes plus wire formatting over the store."""
