"""Site generation: case and listing pages from the library, independent of any one builder."""
