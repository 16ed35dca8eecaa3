using NUnit.Framework;
using Parsec.Autodiff;
using Parsec.Search.Model;
using Parsec.Search.Space;

namespace Parsec.Tests.Golden;

/// <summary>
/// One whole search-phase cell of Parsec.Search (shared weights, every candidate held) against the same cell in
/// PyTorch (tools/golden/cases_cell.py, structured as the anchor script's Cell): the PyTorch weights are loaded
/// into the C# cell's named parameters, then output, running statistics and every gradient are compared.
/// </summary>
[TestFixture]
public sealed class CellGoldenTests
{
    [Test]
    public void CellMatchesPyTorch([Values("cell_normal", "cell_reduce", "cell_normal_after_reduce")] string caseName,
        [ValueSource(typeof(GoldenRun), nameof(GoldenRun.Precisions))] DType dtype)
    {
        using var run = new GoldenRun(caseName, dtype);
        var c = run.Case;
        using var store = new ParameterStore(run.Backend, dtype, new Rng(1));
        var type = CellTypes.All.Single(t => t.JsonName() == c.String("cell_type"));
        var shape = new CellShape(type, c.Int("prev_prev_channels"), c.Int("prev_channels"), c.Int("channels"), c.Bool("after_reduction"));
        var cell = Cell.Shared(new ModuleScope(store, ""), shape, NetworkPhase.Search);
        foreach (var (name, golden) in c.Params)
        {
            var weight = store[name];
            run.Upload(weight, golden.Data);
            run.Track(name, weight);
        }
        var terms = c.Attr("terms").EnumerateArray()
            .Select(term => new TermChoice(term[1].GetInt32(), Primitives.IndexOf(term[0].GetString()!))).ToList();

        var y = cell.Forward(run.Tape, run.Input("s0"), run.Input("s1"), terms, NormMode.Training, DropPath.Off);
        run.ExpectOutputAndGradients(y);
        foreach (string statistic in c.Outputs.Keys.Where(k => k != "y"))
            run.ExpectOutput(statistic, store[statistic]);
        // Candidates the genotype does not pick must not be touched by backward.
        foreach (var weight in store.Weights.Where(w => !c.Params.ContainsKey(w.Name!)))
            Assert.That(weight.Grad!.ToDoubleArray(), Is.All.EqualTo(0.0), $"{caseName} {dtype}: unused weight {weight.Name} has a gradient");
    }
}
