using Parsec.Search.Data.Pipeline;
using NUnit.Framework;
using Parsec.Search.Training;

namespace Parsec.Tests.Training;

[TestFixture]
public class ClassificationTallyTests
{
    [Test]
    public void CountsTop1TopKAndPerClass()
    {
        var tally = new ClassificationTally(classes: 4, topK: 2);
        float[] logits =
        [
            5, 1, 0, 0, // label 0: rank 0
            1, 2, 3, 0, // label 1: rank 1 (top-2 only)
            9, 1, 0, 8, // label 2: rank 3
            0, 0, 0, 1, // label 3: rank 0
        ];
        tally.Add(logits, [0, 1, 2, 3], meanLoss: 2.0);
        tally.Add([0, 0, 1, 0], [2], meanLoss: 0.5);

        Assert.That(tally.Count, Is.EqualTo(5));
        Assert.That(tally.Top1Accuracy, Is.EqualTo(3 / 5.0));
        Assert.That(tally.TopKAccuracy, Is.EqualTo(4 / 5.0));
        Assert.That(tally.MeanLoss, Is.EqualTo((2.0 * 4 + 0.5) / 5));
        Assert.That(tally.ClassAccuracy(2), Is.EqualTo(0.5));
        Assert.That(tally.ClassTotal(2), Is.EqualTo(2));
        Assert.That(tally.ClassAccuracy(1), Is.EqualTo(0));
    }

    [Test]
    public void TiesGoToTheLowerClassAsArgmaxDoes()
    {
        // A network that scores every class the same must not look perfect.
        var tally = new ClassificationTally(3, topK: 1);
        tally.Add(new float[9], [0, 1, 2], 1.0);
        Assert.That(tally.Top1Accuracy, Is.EqualTo(1 / 3.0));
        Assert.That(tally.ClassAccuracy(0), Is.EqualTo(1));
    }

    [Test]
    public void TopKIsCappedByTheNumberOfClassesAndShapesAreChecked()
    {
        var tally = new ClassificationTally(3, topK: 5);
        Assert.That(tally.TopK, Is.EqualTo(3));
        Assert.That(() => tally.Add(new float[5], [0, 1], 1), Throws.ArgumentException.With.Message.Contains("need 6 logits"));
        Assert.That(double.IsNaN(tally.Top1Accuracy), Is.True, "no examples yet");
    }
}
