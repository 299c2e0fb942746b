"""Web views of the programmes, one module per part."""
