"""The hand-backprop lab: the seed notebook's neuron and layer, one line at a time."""
