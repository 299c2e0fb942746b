"""Web forms of the programmes, one module per part."""
