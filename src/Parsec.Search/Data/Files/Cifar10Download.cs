using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace Parsec.Search.Data.Files;

/// <summary>
/// Fetches the official CIFAR-10 binary archive, checks its MD5 against the published value and extracts
/// it. The download goes to a .part file and resumes with an HTTP Range request after an interruption;
/// only a verified archive is ever extracted. Nothing else in the project needs the network.
/// </summary>
internal static class Cifar10Download
{
    public const string OfficialUrl = "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz";
    /// <summary>MD5 of cifar-10-binary.tar.gz as published with the dataset (torchvision checks the same value).</summary>
    public const string OfficialMd5 = "c58f30108f718f92721af3b95e74349a";
    public const string ArchiveName = "cifar-10-binary.tar.gz";

    /// <summary>Progress of a download: bytes on disk and the total when the server announced it.</summary>
    public readonly record struct Progress(long Bytes, long? Total);

    /// <summary>
    /// Makes <paramref name="folder"/>/cifar-10-batches-bin ready: reuses an extracted copy, else verifies and
    /// extracts an archive already in the folder, else downloads it first. Returns the batches folder.
    /// </summary>
    public static async Task<string> InstallAsync(string folder, string url, string md5, IProgress<Progress>? progress, CancellationToken cancel)
    {
        string? existing = CifarDatasets.FindCifar10(folder);
        if (existing is not null && CifarDatasets.Cifar10TrainFiles.All(f => File.Exists(Path.Combine(existing, f)))) return existing;
        Directory.CreateDirectory(folder);
        string archive = Path.Combine(folder, ArchiveName);
        if (!File.Exists(archive)) await DownloadAsync(url, archive, md5, progress, cancel);
        else VerifyMd5(archive, md5, "the archive already in the folder; delete it to download it again");
        return Extract(archive, folder);
    }

    /// <summary>Downloads <paramref name="url"/> to <paramref name="archive"/>, resuming a previous .part file, and verifies its MD5.</summary>
    public static async Task DownloadAsync(string url, string archive, string md5, IProgress<Progress>? progress, CancellationToken cancel)
    {
        string partial = archive + ".part";
        using var http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(20) }) { Timeout = Timeout.InfiniteTimeSpan };
        try
        {
            long have = File.Exists(partial) ? new FileInfo(partial).Length : 0;
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            if (have > 0) request.Headers.Range = new RangeHeaderValue(have, null);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel);
            if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable && have > 0)
            {
                // The part file already holds every byte; the checksum decides whether it is the right ones.
            }
            else
            {
                if (!response.IsSuccessStatusCode)
                    throw new IOException($"downloading {url} failed: the server answered {(int)response.StatusCode} {response.ReasonPhrase}");
                // 206 continues the part file; a 200 means the server ignored the range and sends everything again.
                bool resumed = response.StatusCode == HttpStatusCode.PartialContent;
                if (!resumed) have = 0;
                long? total = response.Content.Headers.ContentLength is long length ? length + have : null;
                await using var body = await response.Content.ReadAsStreamAsync(cancel);
                await using var file = new FileStream(partial, resumed ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
                var buffer = new byte[1 << 16];
                int read;
                while ((read = await body.ReadAsync(buffer, cancel)) > 0)
                {
                    await file.WriteAsync(buffer.AsMemory(0, read), cancel);
                    have += read;
                    progress?.Report(new Progress(have, total));
                }
                if (total is long expected && have != expected)
                    throw new IOException($"downloading {url} stopped after {have} of {expected} bytes; run the command again to resume");
            }
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancel.IsCancellationRequested))
        {
            // No route, no DNS, refused or timed-out connection: say what to do instead of showing a socket error.
            throw new IOException(
                $"could not download {url}: {e.Message}. This machine may be offline. Fetch {ArchiveName} (MD5 {OfficialMd5}) elsewhere, " +
                $"put it at {archive} and run the command again (it is verified and extracted), or use the built-in dataset (--dataset generated).", e);
        }
        try { VerifyMd5(partial, md5, "the download is corrupt and has been deleted; run the command again"); }
        catch (BadInputException) { File.Delete(partial); throw; }
        File.Move(partial, archive, overwrite: true);
    }

    /// <summary>Throws when the MD5 of <paramref name="path"/> differs from <paramref name="expected"/> (hex, any case).</summary>
    public static void VerifyMd5(string path, string expected, string advice)
    {
        string actual;
        using (var stream = File.OpenRead(path)) actual = Convert.ToHexStringLower(MD5.HashData(stream));
        if (!string.Equals(actual, expected.Trim(), StringComparison.OrdinalIgnoreCase))
            throw new BadInputException($"{path}: MD5 is {actual}, expected {expected.Trim().ToLowerInvariant()}; {advice}");
    }

    /// <summary>Extracts a verified archive into <paramref name="folder"/> and returns the folder holding the batches.</summary>
    public static string Extract(string archive, string folder)
    {
        using (var file = File.OpenRead(archive))
        using (var gzip = new GZipStream(file, CompressionMode.Decompress))
        {
            // TarFile refuses entries that would land outside the destination folder.
            TarFile.ExtractToDirectory(gzip, folder, overwriteFiles: true);
        }
        return CifarDatasets.FindCifar10(folder) ?? throw new BadInputException(
            $"{archive}: extracted into {folder}, but no {CifarDatasets.Cifar10Subfolder}/{CifarDatasets.Cifar10TestFile} appeared; is it the CIFAR-10 binary archive?");
    }
}
