"""Neural ODEs, Augmented Neural ODEs and ResNets on toy data: the models and their configs
(node_anode.classifiers), the data sets (node_anode.data), the shipped presets (node_anode.presets) and
read-outs for plotting (node_anode.analysis)."""
