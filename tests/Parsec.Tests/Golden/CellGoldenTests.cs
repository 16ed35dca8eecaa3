using Parsec.Search.Model.Layers;
using NUnit.Framework;
using Parsec.Autodiff;
using Parsec.Search.Model;
using Parsec.Search.Space;

namespace Parsec.Tests.Golden;

/// <summary>
/// One whole cell of Parsec.Search against the same cell in PyTorch (tools/golden/cases_cell.py): the search
/// form (shared weights, every candidate held, structured as the anchor script's Cell) and the evaluation form
/// (one genotype, affine norms). The PyTorch weights are loaded into the C# cell's named parameters, then the
/// output, the running statistics and every gradient are compared.
/// </summary>
[TestFixture]
public sealed class CellGoldenTests
{
    [Test]
    public void CellMatchesPyTorch(
        [Values("cell_normal", "cell_reduce", "cell_normal_after_reduce", "cell_reduce_evaluation_phase")] string caseName,
        [ValueSource(typeof(GoldenRun), nameof(GoldenRun.Precisions))] DType dtype)
    {
        using var run = new GoldenRun(caseName, dtype);
        var c = run.Case;
        using var store = new ParameterStore(run.Backend, dtype, new Rng(1));
        var type = CellTypes.All.Single(t => t.JsonName() == c.String("cell_type"));
        var shape = new CellShape(type, c.Int("prev_prev_channels"), c.Int("prev_channels"), c.Int("channels"), c.Bool("after_reduction"), SearchSpace.Darts.Nodes);
        var terms = c.Attr("terms").EnumerateArray()
            .Select(term => new TermChoice(term[1].GetInt32(), SearchSpace.Darts.IndexOf(term[0].GetString()!))).ToList();
        var scope = new ModuleScope(store, "");
        var cell = c.String("phase") == "search"
            ? Cell.Shared(scope, shape, NetworkPhase.Search, SearchSpace.Darts)
            : Cell.Fixed(scope, shape, NetworkPhase.Evaluation, SearchSpace.Darts, terms);
        foreach (var (name, golden) in c.Params)
        {
            var weight = store[name];
            run.Upload(weight, golden.Data);
            run.Track(name, weight);
        }

        var y = cell.Forward(run.Tape, run.Input("s0"), run.Input("s1"), terms, NormMode.Training, DropPath.Off);
        run.ExpectOutputAndGradients(y);
        foreach (string statistic in c.Outputs.Keys.Where(k => k != "y"))
            run.ExpectOutput(statistic, store[statistic]);
        // Candidates the genotype does not pick (search form) must not be touched by backward.
        foreach (var weight in store.Weights.Where(w => !c.Params.ContainsKey(w.Name!)))
            Assert.That(weight.Grad!.ToDoubleArray(), Is.All.EqualTo(0.0), $"{caseName} {dtype}: unused weight {weight.Name} has a gradient");
    }
}
