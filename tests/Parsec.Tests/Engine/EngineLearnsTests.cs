using NUnit.Framework;
using Parsec.Autodiff;
using Parsec.Autodiff.Cpu;

namespace Parsec.Tests.Engine;

[TestFixture]
public sealed class EngineLearnsTests
{
    /// <summary>
    /// 32 images of 3x8x8 in 4 classes; class k brightens channel k % 3 in quadrant k, plus noise. A
    /// conv-BN-relu-GAP-linear net trained by SGD with momentum must fit it almost perfectly: any wrong
    /// gradient, update or running-statistics rule shows up as a loss that does not fall.
    /// </summary>
    [Test]
    public void ATinyConvNetFitsASmallProblem()
    {
        const int count = 32, classes = 4;
        using var backend = new CpuBackend();
        var rng = new Rng(2024);
        var images = new float[count * 3 * 8 * 8];
        var labels = new int[count];
        for (int n = 0; n < count; n++)
        {
            int k = labels[n] = n % classes;
            for (int c = 0; c < 3; c++)
                for (int i = 0; i < 8; i++)
                    for (int j = 0; j < 8; j++)
                    {
                        bool lit = c == k % 3 && i / 4 == k / 2 && j / 4 == k % 2;
                        images[((n * 3 + c) * 8 + i) * 8 + j] = (lit ? 1.5f : 0f) + (float)(0.5 * rng.NextGaussian());
                    }
        }
        using var x = Tensor.FromArray(backend, images, [count, 3, 8, 8]);
        using var y = Tensor.FromLabels(backend, labels);

        var conv = Parameters.Create(backend, "conv", [8, 3, 3, 3], DType.Float32);
        var gamma = Parameters.Create(backend, "bn.gamma", [8], DType.Float32);
        var beta = Parameters.Create(backend, "bn.beta", [8], DType.Float32);
        var fc = Parameters.Create(backend, "fc.w", [classes, 8], DType.Float32);
        var fcBias = Parameters.Create(backend, "fc.b", [classes], DType.Float32);
        Initializers.DefaultWeight(conv, rng);
        Initializers.Constant(gamma, 1);
        Initializers.DefaultWeight(fc, rng);
        Initializers.DefaultBias(fcBias, 8, rng);
        using var runMean = Tensor.Zeros(backend, [8], DType.Float32, BufferCategory.Weights);
        using var runVar = Tensor.Zeros(backend, [8], DType.Float32, BufferCategory.Weights);
        backend.Fill(runVar.Storage, 1);
        Tensor[] parameters = [conv, gamma, beta, fc, fcBias];
        using var sgd = new Sgd(parameters, momentum: 0.9, weightDecay: 1e-4);
        var schedule = new CosineSchedule(0.2, 150, 0.01);

        using var tape = new Tape(backend);
        double firstLoss = 0, loss = 0;
        for (int step = 0; step < 150; step++)
        {
            sgd.ZeroGrad();
            var h = tape.Relu(tape.BatchNorm2d(tape.Conv2d(x, conv, padding: 1), gamma, beta, runMean, runVar, NormMode.Training));
            var result = tape.SoftmaxCrossEntropy(tape.Linear(tape.GlobalAvgPool(h), fc, fcBias), y);
            loss = result.Loss.Item();
            if (step == 0) firstLoss = loss;
            tape.Backward(result.Loss);
            GradientClipping.ClipByGlobalNorm(parameters, 5);
            sgd.Step(schedule.LearningRate(step));
            tape.Reset();
        }
        Assert.That(firstLoss, Is.GreaterThan(1.0), "an untrained net is near chance, ln 4 = 1.39");
        Assert.That(loss, Is.LessThan(0.05));

        // The running statistics learned in training make evaluation mode agree with the labels too.
        using (tape.NoGrad())
        {
            var h = tape.Relu(tape.BatchNorm2d(tape.Conv2d(x, conv, padding: 1), gamma, beta, runMean, runVar, NormMode.Evaluation));
            var logits = tape.Linear(tape.GlobalAvgPool(h), fc, fcBias).ToFloatArray();
            int correct = 0;
            for (int n = 0; n < count; n++)
            {
                var row = logits.AsSpan(n * classes, classes);
                if (row.IndexOf(row.ToArray().Max()) == labels[n]) correct++;
            }
            Assert.That(correct, Is.GreaterThanOrEqualTo(count - 2));
            tape.Reset();
        }
        foreach (var p in parameters)
        {
            p.Grad!.Dispose();
            p.Dispose();
        }
    }
}
