"""Media conversion: DICOM series and photographs to small web images, cached by content hash."""
