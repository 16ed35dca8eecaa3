namespace Parsec.Autodiff;

public enum NormMode
{
    /// <summary>Batch statistics; running statistics updated with momentum.</summary>
    Training,
    /// <summary>Running statistics; nothing updated.</summary>
    Evaluation,
}

public sealed partial class Tape
{
    /// <summary>
    /// Batch norm over (N, H, W) per channel. gamma/beta are null for the search phase's non-affine norm.
    /// runMean/runVar are persistent buffers updated in training mode (PyTorch's momentum convention).
    /// </summary>
    public Tensor BatchNorm2d(Tensor x, Tensor? gamma, Tensor? beta, Tensor runMean, Tensor runVar, NormMode mode,
        double momentum = 0.1, double epsilon = 1e-5) =>
        BatchNorm(x, gamma, beta, runMean, runVar, mode, momentum, epsilon, relu: false);

    /// <summary>
    /// relu(BatchNorm2d(...)) as one op: the norm's output before the ReLU is never stored, and the ReLU's gradient
    /// is applied inside the norm's backward (the gate is the output's sign). Same result as the pair.
    /// </summary>
    public Tensor BatchNormRelu2d(Tensor x, Tensor? gamma, Tensor? beta, Tensor runMean, Tensor runVar, NormMode mode,
        double momentum = 0.1, double epsilon = 1e-5) =>
        BatchNorm(x, gamma, beta, runMean, runVar, mode, momentum, epsilon, relu: true);

    private Tensor BatchNorm(Tensor x, Tensor? gamma, Tensor? beta, Tensor runMean, Tensor runVar, NormMode mode,
        double momentum, double epsilon, bool relu)
    {
        // Channel counts, the gamma/beta pair and the batch size are checked by the argument records.
        string op = relu ? "batch_norm_relu" : "batch_norm";
        var xs = x.Shape4;
        var y = NewOutput(x.Shape, x.DType, op);
        if (mode == NormMode.Evaluation)
        {
            Backend.BatchNormInference(new BatchNormInferenceArgs(xs, x.Storage, gamma?.Storage, beta?.Storage, runMean.Storage, runVar.Storage, epsilon, y.Storage, relu));
            // Evaluation-mode norm is an affine map with constant statistics; it is only differentiated in rare
            // fine-tuning setups, which this project does not need, so it records no node.
            return y;
        }
        var saveMean = NewOutput([xs.C], x.DType, "bn_mean");
        var saveInvStd = NewOutput([xs.C], x.DType, "bn_inv_std");
        var (meanTarget, varianceTarget, targetMomentum) = (runMean.Storage, runVar.Storage, momentum);
        if (Deferred is { } deferred)
        {
            // The running statistics are shared by every tape: this pass leaves its batch statistics aside (momentum 1 copies them).
            (meanTarget, varianceTarget) = deferred.StatisticsBuffers(runMean, runVar, momentum);
            targetMomentum = 1;
        }
        Backend.BatchNormTraining(new BatchNormTrainingArgs(xs, x.Storage, gamma?.Storage, beta?.Storage, meanTarget, varianceTarget,
            targetMomentum, epsilon, y.Storage, saveMean.Storage, saveInvStd.Storage, relu));
        Tensor[] inputs = gamma is null ? [x] : [x, gamma, beta!];
        Tensor[] saved = relu ? [x, saveMean, saveInvStd, y] : [x, saveMean, saveInvStd];
        var reluOutput = relu ? y.Storage : null;
        Record(op, inputs, [y, saveMean, saveInvStd], saved, ctx =>
        {
            bool wantX = ctx.TryGradOf(x, out var dx, out bool acc);
            Storage? dgamma = null, dbeta = null;
            // The backend always adds into dgamma and dbeta, so a fresh (first-contribution) buffer is zeroed first.
            if (gamma is not null && ctx.TryGradOf(gamma, out var dg, out bool accGamma))
            {
                if (!accGamma) ctx.Backend.Fill(dg, 0);
                dgamma = dg;
            }
            if (beta is not null && ctx.TryGradOf(beta, out var db, out bool accBeta))
            {
                if (!accBeta) ctx.Backend.Fill(db, 0);
                dbeta = db;
            }
            if (!wantX && dgamma is null && dbeta is null) return;
            if (!wantX)
            {
                // The backend computes dx alongside dgamma/dbeta; give it a scratch buffer.
                using var scratch = Tensor.Empty(ctx.Backend, x.Shape, x.DType, BufferCategory.Workspace);
                ctx.Backend.BatchNormBackward(new BatchNormBackwardArgs(xs, x.Storage, ctx.OutputGrad().Storage, gamma?.Storage, saveMean.Storage,
                    saveInvStd.Storage, scratch.Storage, dgamma, dbeta, accumulate: false, reluOutput));
                return;
            }
            ctx.Backend.BatchNormBackward(new BatchNormBackwardArgs(xs, x.Storage, ctx.OutputGrad().Storage, gamma?.Storage, saveMean.Storage,
                saveInvStd.Storage, dx, dgamma, dbeta, acc, reluOutput));
        });
        return y;
    }
}
