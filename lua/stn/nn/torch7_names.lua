-- The public names of Torch7's nn (its init.lua at nn HEAD, October 2017): every class,
-- and the helper tables Jacobian, SparseJacobian, hessian, test, tables and THNN. stn.nn
-- raises "not supported yet" for one of these it does not have (stn/nn/init.lua).
local names = {}
for name in ([[
  THNN utils Module Container Concat Parallel Sequential DepthConcat Decorator Bottle
  WeightNorm DontCast NaN Profile Linear LinearWeightNorm Bilinear PartialLinear SparseLinear
  IndexLinear Reshape View Contiguous Select Narrow Index Squeeze Unsqueeze Replicate Transpose
  LayerNormalization Padding GradientReversal MaskedSelect Copy Min Max Sum
  Mean CMul Mul MulConstant CAdd Add AddConstant Constant Dropout SpatialDropout
  VolumetricDropout WhiteNoise OneHot PrintSize ZeroGrad CAddTable CDivTable CMulTable
  CSubTable CMaxTable CMinTable CAddTensorTable Euclidean WeightedEuclidean PairwiseDistance
  CosineDistance DotProduct Normalize Cosine Kmeans Exp Log HardTanh Clamp LogSigmoid
  LogSoftMax Sigmoid SoftMax SoftMin SoftPlus SoftSign Tanh TanhShrink Abs Power Square Sqrt
  HardShrink SoftShrink Threshold Maxout ReLU ReLU6 PReLU CReLU LeakyReLU SpatialSoftMax
  SpatialLogSoftMax RReLU ELU GatedLinearUnit LookupTable SpatialConvolution
  SpatialConvolutionLocal SpatialFullConvolution SpatialFullConvolutionMap SpatialConvolutionMM
  SpatialDepthWiseConvolution SpatialConvolutionMap SpatialDilatedConvolution
  SpatialMaxPooling SpatialDilatedMaxPooling SpatialMaxUnpooling SpatialFractionalMaxPooling
  SpatialLPPooling SpatialAveragePooling SpatialAdaptiveMaxPooling SpatialAdaptiveAveragePooling
  TemporalConvolution TemporalSubSampling TemporalMaxPooling TemporalDynamicKMaxPooling
  TemporalRowConvolution SpatialSubtractiveNormalization SpatialDivisiveNormalization
  SpatialContrastiveNormalization SpatialCrossMapLRN
  SpatialUpSamplingNearest SpatialUpSamplingBilinear
  UpSampling VolumetricConvolution VolumetricFullConvolution
  VolumetricDilatedConvolution VolumetricMaxPooling VolumetricDilatedMaxPooling
  VolumetricFractionalMaxPooling VolumetricMaxUnpooling VolumetricAveragePooling
  VolumetricBatchNormalization VolumetricReplicationPadding FeatureLPPooling GPU ParallelTable
  Identity ConcatTable SplitTable JoinTable SelectTable MixtureTable CriterionTable
  FlattenTable NarrowTable MapTable ZipTable ZipTableOneToMany Collapse Convert Criterion
  MSECriterion SpatialAutoCropMSECriterion SmoothL1Criterion MarginCriterion
  SoftMarginCriterion AbsCriterion ClassNLLCriterion SpatialClassNLLCriterion
  ClassSimplexCriterion DistKLDivCriterion MultiCriterion L1HingeEmbeddingCriterion
  HingeEmbeddingCriterion CosineEmbeddingCriterion MarginRankingCriterion MultiMarginCriterion
  MultiLabelMarginCriterion MultiLabelSoftMarginCriterion L1Cost L1Penalty WeightedMSECriterion
  BCECriterion CrossEntropyCriterion ParallelCriterion DistanceRatioCriterion ModuleCriterion
  PixelShuffle StochasticGradient MM MV Jacobian SparseJacobian hessian test tables
]]):gmatch('%S+') do names[name] = true end
return names
