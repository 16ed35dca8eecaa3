using Parsec.Search.Prior;
using Parsec.Search.Space;

namespace Parsec.Search.Cost;

/// <summary>
/// A genotype's cost is a fixed part (stem, preprocessing, classifier) plus one part per term that depends only on
/// the term's cell type, position, input and op: each term builds its own op, whose weights and work do not depend on
/// the other terms. The table holds those parts, each summed over the cells of its type, measured exactly from the
/// network code: the cost of a genotype whose every term is a 3x3 max pool (no weights and no multiply-adds in the
/// evaluation network) is the fixed part, and setting one term to (input, op) adds that term's part.
/// <see cref="CostOf"/> is then exact for every genotype, and so is the expected cost under pi and its gradient
/// (<see cref="ExpectedCost"/>), which factorise over the choices.
/// </summary>
/// <param name="terms">(cell type, term, input, op)</param>
internal sealed class TermCostTable(CostShape shape, CostMeasure measure, double fixedPart, double[,,,] terms)
{
    private readonly double[,,,] _terms = terms;

    public CostShape Shape { get; } = shape;
    public CostMeasure Measure { get; } = measure;
    /// <summary>The stem, the cells' preprocessing and the classifier.</summary>
    public double Fixed { get; } = fixedPart;

    /// <summary>The part of term <paramref name="term"/> of <paramref name="type"/> cells reading <paramref name="input"/> through op <paramref name="op"/>.</summary>
    public double Term(CellType type, int term, int input, int op) => _terms[(int)type, term, input, op];

    /// <summary>
    /// Measures the table: one network per (cell type, term, input, op), on the shape-only backend. The reference is
    /// built whether or not the space holds a max pool: costs depend on the ops' names, not on the space.
    /// </summary>
    public static TermCostTable Build(CostShape shape, CostMeasure measure)
    {
        var space = shape.Space;
        var reference = Architecture.FromGenotype(AllFree(space.Nodes));
        double fixedPart = NetworkCost.Of(reference.ToGenotype(), shape).Of(measure);
        return FromParts(shape, measure, fixedPart, (type, k, input, op) => space.Ops[op] == Primitives.MaxPool3x3 ? 0
            : NetworkCost.Of(WithTerm(reference, type, k, new TermChoice(input, reference.Space.IndexOf(space.Ops[op]))), shape).Of(measure) - fixedPart);
    }

    /// <summary>A table of a fixed part and the part of each (cell type, term, input, op), however they were obtained.</summary>
    public static TermCostTable FromParts(CostShape shape, CostMeasure measure, double fixedPart, Func<CellType, int, int, int, double> term)
    {
        var space = shape.Space;
        var terms = new double[CellTypes.All.Count, space.Terms, space.MaxInputs, space.Ops.Count];
        foreach (var type in CellTypes.All)
            for (int k = 0; k < space.Terms; k++)
                for (int input = 0; input < CellLayout.InputsOfTerm(k); input++)
                    for (int op = 0; op < space.Ops.Count; op++)
                        terms[(int)type, k, input, op] = term(type, k, input, op);
        return new TermCostTable(shape, measure, fixedPart, terms);
    }

    /// <summary>The cost of <paramref name="architecture"/>: exactly what <see cref="NetworkCost.Of"/> gives for it.</summary>
    public double CostOf(Architecture architecture)
    {
        SearchSpace.RequireSame(Shape.Space, architecture.Space, "the architecture costed");
        double cost = Fixed;
        foreach (var type in CellTypes.All)
        {
            var terms = architecture.Of(type);
            for (int k = 0; k < terms.Count; k++) cost += Term(type, k, terms[k].Input, terms[k].Op);
        }
        return cost;
    }

    /// <summary>
    /// E[cost] under <paramref name="prior"/> and its gradient with respect to the prior's logits, both exact: per term
    /// the cost is bilinear in the input's and the op's probabilities, and with distinct inputs a node's two inputs
    /// are summed over their pairs (a, b != a).
    /// </summary>
    public (double Expected, double[] Gradient) ExpectedCost(ArchitecturePrior prior)
    {
        var distribution = prior.Distribution;
        var gradient = new double[prior.Logits.Length];
        double expected = Fixed;
        foreach (var type in CellTypes.All)
            for (int node = 0; node < Shape.Space.Nodes; node++)
            {
                int first = node * CellLayout.TermsPerNode, second = first + 1;
                int inputs = CellLayout.InputsOfNode(node);
                var opFirst = prior.OpProbabilities(type, first);
                var opSecond = prior.OpProbabilities(type, second);
                // D(k, i): a term's expected cost given its input i, over its op.
                double[] D(int k, double[] ops) => Enumerable.Range(0, inputs).Select(i => Enumerable.Range(0, ops.Length).Sum(o => ops[o] * Term(type, k, i, o))).ToArray();
                var dFirst = D(first, opFirst);
                var dSecond = D(second, opSecond);
                var p = prior.InputProbabilities(type, first);
                int firstBlock = prior.InputBlock(type, first), secondBlock = prior.InputBlock(type, second);
                // r[a][b]: the second input's probability given the first is a (masked when inputs are distinct).
                var r = Enumerable.Range(0, inputs).Select(a => prior.SecondInputProbabilities(type, second, a)).ToArray();
                var m = Enumerable.Range(0, inputs).Select(a => Enumerable.Range(0, inputs).Sum(b => r[a][b] * dSecond[b])).ToArray();
                var g = Enumerable.Range(0, inputs).Select(a => dFirst[a] + m[a]).ToArray();
                double pairs = Enumerable.Range(0, inputs).Sum(a => p[a] * g[a]);
                expected += pairs;

                // The first input's logits: softmax Jacobian of p against g.
                AddSoftmaxGradient(gradient, distribution.Offset(firstBlock), p, g, 1);
                // The second input's logits: through each r[a], weighted by p[a].
                for (int a = 0; a < inputs; a++) AddSoftmaxGradient(gradient, distribution.Offset(secondBlock), r[a], dSecond, p[a]);
                // Each term's op logits: against the cost given the op, averaged over the term's input marginal.
                var marginalSecond = Enumerable.Range(0, inputs).Select(b => Enumerable.Range(0, inputs).Sum(a => p[a] * r[a][b])).ToArray();
                foreach (var (k, ops, marginal) in new[] { (first, opFirst, p), (second, opSecond, marginalSecond) })
                {
                    var perOp = Enumerable.Range(0, ops.Length).Select(o => Enumerable.Range(0, inputs).Sum(i => marginal[i] * Term(type, k, i, o))).ToArray();
                    AddSoftmaxGradient(gradient, distribution.Offset(prior.OpBlock(type, k)), ops, perOp, 1);
                }
            }
        return (expected, gradient);
    }

    /// <summary>gradient[offset + i] += weight * p_i (value_i - sum_j p_j value_j): d/dlogits of weight * sum_i p_i value_i for p = softmax(logits), masked entries (p = 0) included.</summary>
    private static void AddSoftmaxGradient(double[] gradient, int offset, double[] p, double[] value, double weight)
    {
        double mean = 0;
        for (int i = 0; i < p.Length; i++) mean += p[i] * value[i];
        for (int i = 0; i < p.Length; i++) gradient[offset + i] += weight * p[i] * (value[i] - mean);
    }

    /// <summary>
    /// Cells of <paramref name="nodes"/> nodes whose every term is a 3x3 max pool (no weights, no multiply-adds): the
    /// reference whose cost is the fixed part, in the space of every declared primitive.
    /// </summary>
    internal static Genotype AllFree(int nodes)
    {
        var space = new SearchSpace(Primitives.All, nodes);
        var terms = Enumerable.Range(0, space.Terms).Select(k => new GenotypeTerm(Primitives.MaxPool3x3, k % CellLayout.TermsPerNode)).ToList();
        return new Genotype(terms, terms) { Space = space };
    }

    private static Genotype WithTerm(Architecture reference, CellType type, int term, TermChoice choice)
    {
        TermChoice[] Cell(CellType t)
        {
            var terms = reference.Of(t).ToArray();
            if (t == type) terms[term] = choice;
            return terms;
        }
        return new Architecture(Cell(CellType.Normal), Cell(CellType.Reduce), reference.Space).ToGenotype();
    }
}
