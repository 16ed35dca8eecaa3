using System.Diagnostics;
using System.Globalization;

namespace Parsec.Search.Bench;

/// <summary>
/// How busy the machine was with other work while a benchmark ran. The load average lags by a minute and counts the
/// benchmark itself, so the figure that decides is the CPU time all processes used (/proc/stat) minus this process's
/// and its waited-for children's (the PyTorch reference), per second of wall time: the cores other processes kept
/// busy. Linux only; elsewhere nothing is measured and nothing is claimed.
/// </summary>
internal sealed record MachineLoad(double? LoadAverage, long BusyTicks, long OwnTicks, long Timestamp)
{
    /// <summary>Linux's USER_HZ, the unit of /proc's CPU times on every architecture it runs on.</summary>
    private const double TicksPerSecond = 100;

    /// <summary>Now, or null where /proc is not there to read.</summary>
    public static MachineLoad? Now()
    {
        try
        {
            if (!File.Exists("/proc/stat") || !File.Exists("/proc/self/stat")) return null;
            var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
            long idle = cpu[3] + (cpu.Length > 4 ? cpu[4] : 0);
            long busy = cpu.Take(Math.Min(cpu.Length, 8)).Sum() - idle; // user..steal; guest time is already inside user
            // Fields after the command name (which may hold spaces, so split after its closing parenthesis): utime is
            // the 14th field of the line, stime, cutime, cstime the next three.
            string self = File.ReadAllText("/proc/self/stat");
            var fields = self[(self.LastIndexOf(')') + 2)..].Split(' ');
            long own = Enumerable.Range(11, 4).Sum(i => long.Parse(fields[i], CultureInfo.InvariantCulture));
            double? average = File.Exists("/proc/loadavg")
                ? double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture)
                : null;
            return new MachineLoad(average, busy, own, Stopwatch.GetTimestamp());
        }
        catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The cores other processes kept busy on average between <paramref name="start"/> and <paramref name="end"/>.</summary>
    public static double OtherCores(MachineLoad start, MachineLoad end)
    {
        double seconds = Stopwatch.GetElapsedTime(start.Timestamp, end.Timestamp).TotalSeconds;
        long others = end.BusyTicks - start.BusyTicks - (end.OwnTicks - start.OwnTicks);
        return seconds <= 0 ? 0 : Math.Max(0, others / TicksPerSecond / seconds);
    }
}
