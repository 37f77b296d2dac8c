"""One module per route; importing a module registers its route."""
