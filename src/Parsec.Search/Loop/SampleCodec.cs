using Parsec.Search.Model.Layers;
using System.Text;
using Parsec.Autodiff;
using Parsec.Search.Model;
using Parsec.Search.RunFiles;

namespace Parsec.Search.Loop;

internal sealed partial class SearchSession
{
    /// <summary>
    /// What one rank's samples produced, as bytes for the other ranks: per sample its index in the pass, its log-likelihood and accuracy, then
    /// each gradient (the parameter's index in the bank, its float32 values) in the order the sample's backward first
    /// wrote them, then each batch statistic (the running buffer's index, the momentum, the values) in the order the
    /// pass computed them. Floats travel as their bits, so the rebuilt updates are the originals exactly.
    /// </summary>
    private static class SampleCodec
    {
        private const byte Ok = 1, Failed = 2;

        /// <param name="gradients">False when the ranks add their gradients with an all-reduce instead: only the log-likelihoods, accuracies and batch statistics travel.</param>
        public static byte[] Encode((int Index, SampleRun Run)[] samples, ParameterStore bank, IBackend backend, bool gradients = true)
        {
            var weights = Index(bank.Weights);
            var buffers = Index(bank.Buffers);
            using var stream = new MemoryStream();
            using var writer = new BinaryWriter(stream);
            writer.Write(Ok);
            writer.Write(samples.Length);
            foreach (var (index, sample) in samples)
            {
                writer.Write(index);
                writer.Write(sample.LogLikelihood);
                writer.Write(sample.Accuracy);
                var parameters = gradients ? sample.Updates.Parameters : [];
                var statistics = sample.Updates.Statistics;
                // The sample's gradients and batch statistics in one read-back: a CUDA rank stages them through pinned
                // memory and waits once instead of once per buffer.
                var storages = parameters.Select(p => sample.Updates.GradientOf(p)!.Storage).Concat(statistics.Select(b => b.Batch.Storage)).ToList();
                var values = new float[storages.Sum(g => g.Length)];
                backend.CopyOutAll(storages, values);
                int offset = 0;
                ReadOnlySpan<float> Next(int i)
                {
                    var span = values.AsSpan(offset, (int)storages[i].Length);
                    offset += span.Length;
                    return span;
                }
                writer.Write(parameters.Count);
                for (int g = 0; g < parameters.Count; g++)
                {
                    writer.Write(weights[parameters[g]]);
                    WriteFloats(writer, Next(g));
                }
                writer.Write(statistics.Count);
                for (int b = 0; b < statistics.Count; b++)
                {
                    writer.Write(buffers[statistics[b].Running]);
                    writer.Write(statistics[b].Momentum);
                    WriteFloats(writer, Next(parameters.Count + b));
                }
            }
            writer.Flush();
            return stream.ToArray();
        }

        public static (int Index, SampleRun Run)[] Decode(byte[] bytes, ParameterStore bank, IBackend backend)
        {
            using var reader = new BinaryReader(new MemoryStream(bytes));
            if (reader.ReadByte() != Ok) throw new InvalidDataException("a rank's samples were expected, a failure was found");
            var samples = new (int, SampleRun)[reader.ReadInt32()];
            for (int s = 0; s < samples.Length; s++)
            {
                int index = reader.ReadInt32();
                double logLikelihood = reader.ReadDouble(), accuracy = reader.ReadDouble();
                var updates = new DeferredUpdates(backend);
                int gradients = reader.ReadInt32();
                for (int g = 0; g < gradients; g++)
                {
                    var parameter = bank.Weights[reader.ReadInt32()];
                    updates.ImportGradient(parameter, ReadFloats(reader));
                }
                int statistics = reader.ReadInt32();
                for (int b = 0; b < statistics; b++)
                {
                    var running = bank.Buffers[reader.ReadInt32()];
                    double momentum = reader.ReadDouble();
                    updates.ImportStatistic(running, ReadFloats(reader), momentum);
                }
                samples[s] = (index, new SampleRun(logLikelihood, accuracy, updates));
            }
            return samples;
        }

        /// <summary>A rank's failure: a non-finite value is carried whole (every rank then writes the same report), anything else by its message and rank.</summary>
        public static byte[] EncodeFailure(Exception failure, int rank)
        {
            using var stream = new MemoryStream();
            using var writer = new BinaryWriter(stream, Encoding.UTF8);
            writer.Write(Failed);
            if (failure is NonFiniteValueException { Report: var report })
            {
                writer.Write(true);
                writer.Write(report.Iteration);
                writer.Write(report.Sample ?? -1);
                writer.Write(report.Phase);
                writer.Write(report.Tensor);
                writer.Write(report.Architecture ?? "");
            }
            else
            {
                writer.Write(false);
                writer.Write($"rank {rank}: {failure.GetType().Name}: {failure.Message}");
            }
            writer.Flush();
            return stream.ToArray();
        }

        /// <summary>The failure of the lowest rank that failed (what one process would have met first is its lowest sample), or null.</summary>
        public static Exception? FirstFailure(byte[][] blobs)
        {
            foreach (var blob in blobs)
            {
                if (blob.Length == 0 || blob[0] != Failed) continue;
                using var reader = new BinaryReader(new MemoryStream(blob, 1, blob.Length - 1), Encoding.UTF8);
                if (!reader.ReadBoolean()) return new Distributed.MpiException(reader.ReadString());
                int iteration = reader.ReadInt32(), sample = reader.ReadInt32();
                string phase = reader.ReadString(), tensor = reader.ReadString(), architecture = reader.ReadString();
                return new NonFiniteValueException(new NonFiniteReport(iteration, sample < 0 ? null : sample, phase, tensor, architecture.Length == 0 ? null : architecture));
            }
            return null;
        }

        private static Dictionary<Tensor, int> Index(IReadOnlyList<Tensor> tensors)
        {
            var index = new Dictionary<Tensor, int>(ReferenceEqualityComparer.Instance);
            for (int i = 0; i < tensors.Count; i++) index[tensors[i]] = i;
            return index;
        }

        // Floats travel as their bytes in this machine's order: every rank of a job runs on the same architecture.
        private static void WriteFloats(BinaryWriter writer, ReadOnlySpan<float> values)
        {
            writer.Write(values.Length);
            writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values));
        }

        private static float[] ReadFloats(BinaryReader reader)
        {
            var values = new float[reader.ReadInt32()];
            int read = reader.Read(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
            if (read != values.Length * sizeof(float)) throw new EndOfStreamException($"a rank's sample ended after {read} of {values.Length * sizeof(float)} bytes of floats");
            return values;
        }
    }
}
