"""Work over HTTP: §Work of the contract."""
