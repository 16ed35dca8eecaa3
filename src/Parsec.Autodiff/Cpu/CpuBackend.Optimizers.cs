using System.Numerics;
using System.Numerics.Tensors;

namespace Parsec.Autodiff.Cpu;

public sealed partial class CpuBackend
{
    public double SumOfSquares(Storage x)
    {
        if (IsDouble(nameof(SumOfSquares), x)) return SumOfSquares(Arr<double>(x), (int)x.Length);
        return SumOfSquares(Arr<float>(x), (int)x.Length);
    }

    /// <summary>Blocks are summed in T (short enough to stay accurate), the blocks in double.</summary>
    private static double SumOfSquares<T>(T[] x, int length) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int block = 1024;
        double total = 0;
        for (int start = 0; start < length; start += block)
            total += double.CreateTruncating(TensorPrimitives.SumOfSquares<T>(x.AsSpan(start, Math.Min(block, length - start))));
        return total;
    }

    public double Dot(DotArgs args)
    {
        if (IsDouble(args.A)) return Dot(Arr<double>(args.A), Arr<double>(args.B), (int)args.A.Length);
        return Dot(Arr<float>(args.A), Arr<float>(args.B), (int)args.A.Length);
    }

    /// <summary>As <see cref="SumOfSquares{T}"/>: blocks in T, the blocks added in double, in order.</summary>
    private static double Dot<T>(T[] a, T[] b, int length) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int block = 1024;
        double total = 0;
        for (int start = 0; start < length; start += block)
        {
            int n = Math.Min(block, length - start);
            total += double.CreateTruncating(TensorPrimitives.Dot<T>(a.AsSpan(start, n), b.AsSpan(start, n)));
        }
        return total;
    }

    public bool AllFinite(Storage x)
    {
        if (IsDouble(nameof(AllFinite), x)) return AllFinite(Cpu(x).Span<double>());
        return AllFinite(Cpu(x).Span<float>());
    }

    private static bool AllFinite<T>(ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            // x - x is 0 for finite x and NaN for infinities and NaN.
            for (; i <= x.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var v = new Vector<T>(x[i..]);
                if (!Vector.EqualsAll(v - v, Vector<T>.Zero)) return false;
            }
        }
        for (; i < x.Length; i++)
            if (!T.IsFinite(x[i])) return false;
        return true;
    }

    public void SgdUpdate(SgdUpdateArgs a)
    {
        if (IsDouble(a.Weight))
            Sgd(Cpu(a.Weight).Span<double>(), Cpu(a.Grad).Span<double>(), Cpu(a.MomentumBuffer).Span<double>(), a.Step);
        else
            Sgd(Cpu(a.Weight).Span<float>(), Cpu(a.Grad).Span<float>(), Cpu(a.MomentumBuffer).Span<float>(), a.Step);
    }

    /// <summary>
    /// torch.optim.SGD with dampening 0: g = grad + wd w; buf = momentum buf + g; g = buf;
    /// w -= lr g. The buffer starts at zero, so the first step gives buf = g, as PyTorch's initialisation does.
    /// </summary>
    private static void Sgd<T>(Span<T> w, ReadOnlySpan<T> grad, Span<T> buf, SgdStep step) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T lr = T.CreateTruncating(step.LearningRate), mu = T.CreateTruncating(step.Momentum), wd = T.CreateTruncating(step.WeightDecay);
        bool useMomentum = step.Momentum != 0;
        for (int i = 0; i < w.Length; i++)
        {
            T g = step.WeightDecay != 0 ? grad[i] + wd * w[i] : grad[i];
            if (useMomentum)
            {
                buf[i] = mu * buf[i] + g;
                g = buf[i];
            }
            w[i] -= lr * g;
        }
    }

    public void AdamUpdate(AdamUpdateArgs a)
    {
        if (IsDouble(a.Weight))
            Adam(Cpu(a.Weight).Span<double>(), Cpu(a.Grad).Span<double>(), Cpu(a.FirstMoment).Span<double>(), Cpu(a.SecondMoment).Span<double>(), a.Step);
        else
            Adam(Cpu(a.Weight).Span<float>(), Cpu(a.Grad).Span<float>(), Cpu(a.FirstMoment).Span<float>(), Cpu(a.SecondMoment).Span<float>(), a.Step);
    }

    /// <summary>
    /// torch.optim.Adam (not AMSGrad): m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
    /// w -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps), with g = grad + wd w.
    /// </summary>
    private static void Adam<T>(Span<T> w, ReadOnlySpan<T> grad, Span<T> m, Span<T> v, AdamStep step) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T b1 = T.CreateTruncating(step.Beta1), b2 = T.CreateTruncating(step.Beta2);
        T oneMinusB1 = T.CreateTruncating(1 - step.Beta1), oneMinusB2 = T.CreateTruncating(1 - step.Beta2);
        T wd = T.CreateTruncating(step.WeightDecay), eps = T.CreateTruncating(step.Epsilon);
        T stepSize = T.CreateTruncating(step.LearningRate / (1 - Math.Pow(step.Beta1, step.Step)));
        T correction2Sqrt = T.CreateTruncating(Math.Sqrt(1 - Math.Pow(step.Beta2, step.Step)));
        for (int i = 0; i < w.Length; i++)
        {
            T g = step.WeightDecay != 0 ? grad[i] + wd * w[i] : grad[i];
            m[i] = b1 * m[i] + oneMinusB1 * g;
            v[i] = b2 * v[i] + oneMinusB2 * g * g;
            T denom = T.Sqrt(v[i]) / correction2Sqrt + eps;
            w[i] -= stepSize * (m[i] / denom);
        }
    }
}
