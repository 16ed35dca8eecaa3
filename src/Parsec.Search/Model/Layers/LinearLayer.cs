using Parsec.Autodiff;

namespace Parsec.Search.Model.Layers;

/// <summary>A fully connected layer (PyTorch nn.Linear): "{scope}.weight" (Out, In) and "{scope}.bias" (Out), both fan-in uniform.</summary>
internal sealed class LinearLayer
{
    private readonly Tensor _weight, _bias; // (Out, In) and (Out)

    public LinearLayer(ModuleScope scope, int inFeatures, int outFeatures)
    {
        _weight = scope.Weight("weight", [outFeatures, inFeatures], Initialization.FanInUniform);
        // PyTorch draws the bias from +-1/sqrt(in_features), the weight's fan-in.
        _bias = scope.Weight("bias", [outFeatures], Initialization.FanInUniform, fanIn: inFeatures);
    }

    public Tensor Forward(Tape tape, Tensor x) => tape.Linear(x, _weight, _bias);
}
