using Parsec.Autodiff;
using Parsec.Search.Model.Layers;
using Parsec.Search.Model.Ops;
using Parsec.Search.Space;

namespace Parsec.Search.Model;

/// <summary>The channel widths and neighbourhood of one cell in the stack, and its number of intermediate nodes.</summary>
public readonly record struct CellShape(CellType Type, int PrevPrevChannels, int PrevChannels, int Channels, bool AfterReduction, int Nodes)
{
    /// <summary>The cell output concatenates its intermediate nodes.</summary>
    public int OutputChannels => Nodes * Channels;
}

/// <summary>
/// One DARTS cell. Its two inputs (outputs of the two previous cells) are preprocessed to C channels:
/// "{scope}.preprocess0" is a factorized reduction when the previous cell halved the resolution, else
/// ReLU-Conv1x1-BN like "{scope}.preprocess1". Intermediate node j sums two terms, each an op applied to an
/// earlier node; the output concatenates the intermediate nodes (four in the DARTS space). Candidate ops are stored as described
/// by <see cref="WeightSharing"/>.
/// </summary>
public sealed class Cell
{
    private readonly ICellOp _preprocess0, _preprocess1;
    private readonly Dictionary<(int Node, int Slot, int Op), ICellOp> _ops = [];
    private readonly WeightSharing _sharing;
    private readonly IReadOnlyList<TermChoice>? _fixedTerms;
    private readonly SearchSpace _space;

    private Cell(ModuleScope scope, CellShape shape, NetworkPhase phase, SearchSpace space, WeightSharing sharing, IReadOnlyList<TermChoice>? fixedTerms)
    {
        Shape = shape;
        _space = space;
        _sharing = sharing;
        _fixedTerms = fixedTerms;
        var affinity = phase.CellAffinity();
        _preprocess0 = shape.AfterReduction
            ? new FactorizedReduce(scope.Child("preprocess0"), shape.PrevPrevChannels, shape.Channels, affinity)
            : new ReluConvBn(scope.Child("preprocess0"), shape.PrevPrevChannels, shape.Channels, affinity);
        _preprocess1 = new ReluConvBn(scope.Child("preprocess1"), shape.PrevChannels, shape.Channels, affinity);

        if (sharing == WeightSharing.PerEdge)
        {
            for (int node = 0; node < space.Nodes; node++)
                for (int input = 0; input < CellLayout.InputsOfNode(node); input++)
                    for (int op = 0; op < space.Ops.Count; op++)
                        _ops[(node, input, op)] = CreateOp(scope.Child($"node{node}.input{input}"), op, input);
        }
        else
        {
            for (int k = 0; k < space.Terms; k++)
            {
                int node = CellLayout.NodeOfTerm(k), slot = k % CellLayout.TermsPerNode;
                var choice = fixedTerms![k];
                _ops[(node, slot, choice.Op)] = CreateOp(scope.Child($"node{node}.term{slot}"), choice.Op, choice.Input);
            }
        }

        ICellOp CreateOp(ModuleScope edgeScope, int op, int input)
        {
            string name = space.Ops[op];
            return OpFactory.Create(name, new OpSpec(edgeScope.Child(name), shape.Channels, CellLayout.StrideOf(shape.Type, input), phase));
        }
    }

    public CellShape Shape { get; }

    /// <summary>A cell holding every candidate of <paramref name="space"/> on every edge (the search's shared weights).</summary>
    public static Cell Shared(ModuleScope scope, CellShape shape, NetworkPhase phase, SearchSpace space) => new(scope, shape, phase, space, WeightSharing.PerEdge, null);

    /// <summary>A cell holding only the ops of <paramref name="terms"/>, which index <paramref name="space"/>'s operations.</summary>
    public static Cell Fixed(ModuleScope scope, CellShape shape, NetworkPhase phase, SearchSpace space, IReadOnlyList<TermChoice> terms) =>
        new(scope, shape, phase, space, WeightSharing.PerTerm, terms);

    /// <summary>The cell with the given term choices (8 in the DARTS space); drop path (when its probability is above 0) applies to non-identity terms.</summary>
    public Tensor Forward(Tape tape, Tensor s0, Tensor s1, IReadOnlyList<TermChoice> terms, NormMode norm, DropPath dropPath)
    {
        var states = new List<Tensor>(CellLayout.InputNodes + _space.Nodes)
        {
            _preprocess0.Forward(tape, s0, norm),
            _preprocess1.Forward(tape, s1, norm),
        };
        for (int node = 0; node < _space.Nodes; node++)
        {
            Tensor? sum = null;
            for (int slot = 0; slot < CellLayout.TermsPerNode; slot++)
            {
                int k = node * CellLayout.TermsPerNode + slot;
                var choice = terms[k];
                var op = OpFor(node, slot, choice);
                var y = op.Forward(tape, states[choice.Input], norm);
                if (!op.IsIdentity) y = dropPath.Apply(tape, y);
                sum = sum is null ? y : tape.Add(sum, y);
            }
            states.Add(sum!);
        }
        return tape.ConcatChannels(states.GetRange(CellLayout.InputNodes, _space.Nodes).ToArray());
    }

    /// <summary>
    /// DARTS' mixed forward: node j = sum over its edges (i) of the edge's mixed op, sum over candidates (o, `none`
    /// included) of w[edge, o] * op_o(x_i) (<see cref="Tape.MixedSum"/>, which also collects dL/dw when the weights track
    /// gradients). Every candidate runs, so every candidate's activations are held at once.
    /// </summary>
    public Tensor ForwardMixed(Tape tape, Tensor s0, Tensor s1, MixedOpWeights weights, NormMode norm)
    {
        if (_sharing != WeightSharing.PerEdge)
            throw new InvalidOperationException("the mixed-op forward needs the shared weights of every candidate; this cell holds one genotype");
        var states = new List<Tensor> { _preprocess0.Forward(tape, s0, norm), _preprocess1.Forward(tape, s1, norm) };
        for (int node = 0; node < _space.Nodes; node++)
        {
            Tensor? sum = null;
            for (int input = 0; input < CellLayout.InputsOfNode(node); input++)
            {
                int edge = CellLayout.EdgeIndex(node, input);
                // Candidate 0 is `none`; candidate c > 0 is primitive c - 1.
                var candidates = Enumerable.Range(0, weights.Candidates)
                    .Select(c => c == 0 ? new ZeroOp(CellLayout.StrideOf(Shape.Type, input)).Forward(tape, states[input], norm) : _ops[(node, input, c - 1)].Forward(tape, states[input], norm))
                    .ToList();
                var y = tape.MixedSum(candidates, weights.Weights(Shape.Type, edge), weights.GradientSink(Shape.Type, edge));
                sum = sum is null ? y : tape.Add(sum, y);
            }
            states.Add(sum!);
        }
        return tape.ConcatChannels(states.GetRange(CellLayout.InputNodes, _space.Nodes).ToArray());
    }

    private ICellOp OpFor(int node, int slot, TermChoice choice)
    {
        if (_sharing == WeightSharing.PerEdge) return _ops[(node, choice.Input, choice.Op)];
        var expected = _fixedTerms![node * CellLayout.TermsPerNode + slot];
        if (expected != choice)
            throw new ArgumentException($"this {Shape.Type.JsonName()} cell holds the fixed term {expected} at node {node} term {slot}; {choice} was requested");
        return _ops[(node, slot, choice.Op)];
    }
}
