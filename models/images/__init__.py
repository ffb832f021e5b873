"""ODE-Nets on images, the paper's first experiment at small scale: scikit-learn's bundled 8x8 digits
(images.data), the MLP, ResNet, RK-Net and ODE-Net classifiers (images.classifiers), their training,
measured memory and NFE (images.measure), the flow of one image through depth and the tolerance sweep
(images.analysis), and their checkpoints (images.checkpoints)."""
