"""Neural ODEs, Augmented Neural ODEs and ResNets on toy data: the models (node_anode.classifiers), the
data sets (node_anode.data) and read-outs for plotting (node_anode.analysis)."""
