"""One module per family of file formats; `flowml.data.formats` is the public facade that picks among them."""
