using System.Text;
using Tracker.BenchTool.Replay;

namespace Tracker.BenchTool.Tests;

public class ReplayTests
{
    private const string Drive = "drives/garmin-drive-2005.nmea";

    private static string DemoDrive => Path.Combine(AppContext.BaseDirectory, "samples", "demo-drive.nmea");

    private static CaptureBurst[] Bursts(string text) => [.. CaptureBursts.Read(new MemoryStream(Encoding.ASCII.GetBytes(text)))];

    private static (int Code, string Out, string Err) Run(string stdin, params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = BenchCli.Run(args, o, e, new StringReader(stdin));
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void Bursts_GroupLinesByEpochTime_AndUntimedLinesGoWithTheEpochTheyFollow()
    {
        string banner = "**** logger start ****\r\n";
        string damaged = Nmea.Rmc("123521").Replace("4807", "4808", StringComparison.Ordinal); // checksum no longer matches
        string text = banner + Nmea.Rmc("123519") + Nmea.Gga("123519") + Nmea.Gsa() + Nmea.Gll("123520") + Nmea.Gga("123520") + damaged + Nmea.Gsa();

        CaptureBurst[] bursts = Bursts(text);

        Assert.Equal([null, 45_319_000, 45_320_000], bursts.Select(b => b.TimeOfDayMs));
        Assert.Equal([1, 3, 4], bursts.Select(b => b.Lines));
        Assert.Equal([1, 1, 2], bursts.Select(b => b.UntimedLines));
        Assert.Equal(banner, Encoding.ASCII.GetString(bursts[0].Bytes));
        Assert.EndsWith(damaged + Nmea.Gsa(), Encoding.ASCII.GetString(bursts[2].Bytes), StringComparison.Ordinal);
    }

    [Fact]
    public void Bursts_GiveBackTheCaptureByteForByte_WhateverTheLineEndingsChunksAndNoise()
    {
        var random = new Random(20_051_125);
        for (int round = 0; round < 200; round++)
        {
            var capture = new MemoryStream();
            int lines = random.Next(0, 40);
            for (int i = 0; i < lines; i++)
            {
                string ending = new[] { "\r\n", "\n", "\r", "\n\r", "" }[random.Next(5)];
                string hhmmss = $"{random.Next(24):D2}{random.Next(60):D2}{random.Next(60):D2}";
                switch (random.Next(4))
                {
                    case 0:
                        capture.Write(Encoding.ASCII.GetBytes(Nmea.Rmc(hhmmss, ending)));
                        break;
                    case 1:
                        capture.Write(Encoding.ASCII.GetBytes(Nmea.Gsa(ending)));
                        break;
                    case 2:
                        byte[] noise = new byte[random.Next(0, CaptureBursts.MaxLineBytes + 100)];
                        random.NextBytes(noise);
                        capture.Write(noise);
                        break;
                    default:
                        capture.Write(Encoding.ASCII.GetBytes(Nmea.Gll(hhmmss, ending)));
                        break;
                }
            }

            byte[] bytes = capture.ToArray();
            byte[] replayed = [.. CaptureBursts.Read(new TrickleStream(bytes, random)).SelectMany(b => b.Bytes)];
            Assert.Equal(bytes, replayed);
        }
    }

    [Fact]
    public void Bursts_OfTheDemoDrive_AreItsBytesInSixHundredOneSecondEpochs()
    {
        byte[] bytes = File.ReadAllBytes(DemoDrive);
        CaptureBurst[] bursts = [.. CaptureBursts.Read(new MemoryStream(bytes))];

        Assert.Equal(bytes, bursts.SelectMany(b => b.Bytes));
        Assert.Equal(600, bursts.Length);
        Assert.All(bursts.Zip(bursts.Skip(1)), p => Assert.Equal(1000, ReplayPacer.Gap(p.First.TimeOfDayMs!.Value, p.Second.TimeOfDayMs!.Value)));
    }

    [SharedDataFact(Drive)]
    public void Bursts_OfTheGarminDrive_KeepItsBytes_AndCrossMidnight()
    {
        byte[] bytes = File.ReadAllBytes(SharedData.File(Drive)!);
        CaptureBurst[] bursts = [.. CaptureBursts.Read(new MemoryStream(bytes))];

        Assert.Equal(bytes, bursts.SelectMany(b => b.Bytes));
        Assert.Null(bursts[0].TimeOfDayMs); // the logger's banner comes before the first sentence with a time
        var clock = new FakeClock();
        ReplayStats s = new ReplayPacer(clock, 1, TimeSpan.FromSeconds(10)).Run(bursts, Stream.Null);
        Assert.Equal(0, s.BackwardSteps);
        Assert.Equal(3, s.CappedGaps); // 60 s, 798 s and 1250 s pauses of the logger
        Assert.True(bursts.Zip(bursts.Skip(1)).Any(p => p.First.TimeOfDayMs > 86_000_000 && p.Second.TimeOfDayMs < 400_000), "the drive crosses midnight UTC");
    }

    [Fact]
    public void Pacer_WaitsTheScaledGapsBetweenEpochs_AcrossMidnight_CappingPausesAndNotWaitingOnBackwardSteps()
    {
        string text = "banner\n" + Nmea.Rmc("235958") + Nmea.Gsa() + Nmea.Rmc("235959") + Nmea.Rmc("000000") + Nmea.Rmc("000002")
            + Nmea.Rmc("000502") + Nmea.Rmc("000501") + Nmea.Rmc("000503.5");
        var clock = new FakeClock();
        var port = new RecordingStream(clock);

        ReplayStats s = new ReplayPacer(clock, 2, TimeSpan.FromSeconds(10)).Run(Bursts(text), port);

        // Gaps 1, 1, 2, 300 (capped to 10), -1 (backward: none), 2.5 s, at twice the speed.
        Assert.Equal([0, 0, 0.5, 1.0, 2.0, 7.0, 7.0, 8.25], port.Writes.Select(w => w.At.TotalSeconds));
        Assert.Equal(Encoding.ASCII.GetBytes(text), port.Writes.SelectMany(w => w.Bytes));
        Assert.Equal((7, 1, 1), (s.Epochs, s.CappedGaps, s.BackwardSteps));
        Assert.Equal(2, s.UntimedLines);
        Assert.Equal(TimeSpan.FromSeconds(16.5), s.CaptureSpan);
        Assert.Equal(TimeSpan.FromSeconds(8.25), s.Elapsed);
        Assert.Equal(TimeSpan.Zero, s.MaxLag);
    }

    [Fact]
    public void Pacer_AtRateZero_NeverWaits()
    {
        var clock = new FakeClock();
        var port = new RecordingStream(clock);

        new ReplayPacer(clock, 0, TimeSpan.FromSeconds(10)).Run(Bursts(Nmea.Rmc("120000") + Nmea.Rmc("120005") + Nmea.Rmc("120009")), port);

        Assert.Equal(3, port.Writes.Count);
        Assert.All(port.Writes, w => Assert.Equal(TimeSpan.Zero, w.At));
        Assert.Equal(0, clock.Sleeps);
    }

    [Fact]
    public void Pacer_OnAPortSlowerThanTheCapture_SendsAsFastAsItAllows_WithoutDrift_AndReportsTheLag()
    {
        // 1,200 bytes an epoch once a second is more than 9600 baud (960 bytes/s) carries.
        string epoch(int s) => Nmea.Rmc($"1200{s:D2}") + new string('x', 1200 - Nmea.Rmc("120000").Length - 1) + "\n";
        string text = string.Concat(Enumerable.Range(0, 10).Select(epoch));
        var clock = new FakeClock();
        var port = new RecordingStream(clock, bytesPerSecond: 960);

        ReplayStats s = new ReplayPacer(clock, 1, TimeSpan.FromSeconds(10)).Run(Bursts(text), port);

        Assert.Equal(0, clock.Sleeps);
        Assert.Equal(12_000 / 960.0, s.Elapsed.TotalSeconds, 6);
        Assert.True(s.MaxLag > TimeSpan.FromSeconds(2), s.MaxLag.ToString());
    }

    [Theory]
    [InlineData(new string[] { "replay", "-" }, "needs a target: --to serial:<port> or --to host")]
    [InlineData(new string[] { "replay", "--to", "host" }, "expected 1 argument")]
    [InlineData(new string[] { "replay", "-", "--to", "usb" }, "--to must be serial:<port> or host, not 'usb'")]
    [InlineData(new string[] { "replay", "-", "--to", "serial:" }, "--to serial: needs a port")]
    [InlineData(new string[] { "replay", "-", "--to", "serial:/dev/null", "--baud", "9601" }, "--baud must be one of 1200, 2400, 4800, 9600")]
    [InlineData(new string[] { "replay", "-", "--to", "serial:/dev/null", "--baud", "fast" }, "--baud must be one of")]
    [InlineData(new string[] { "replay", "-", "--to", "serial:/dev/null", "--rate", "-2" }, "--rate must be a number from 0 to 10000")]
    [InlineData(new string[] { "replay", "-", "--to", "serial:/dev/null", "--rate", "fast" }, "--rate must be a number")]
    [InlineData(new string[] { "replay", "-", "--to", "serial:/dev/null", "--rate", "NaN" }, "--rate must be a number")]
    [InlineData(new string[] { "replay", "-", "--to", "serial:/dev/null", "--rate", "1e9" }, "--rate must be a number")]
    [InlineData(new string[] { "replay", "-", "--to", "serial:/dev/null", "--max-gap", "0" }, "--max-gap must be a whole number from 1")]
    [InlineData(new string[] { "replay", "-", "--to", "serial:/dev/ttyNOSUCH9" }, "no such serial port: /dev/ttyNOSUCH9")]
    [InlineData(new string[] { "replay", "-", "--to", "serial:/dev/null" }, "/dev/null is not a serial port")]
    [InlineData(new string[] { "replay", "-", "--to", "serial:/tmp" }, "serial port /tmp is a directory")]
    [InlineData(new string[] { "replay", "-", "--to", "serial:/dev/null", "--policy", "p.cfg" }, "--policy does not apply to --to serial:<port>")]
    [InlineData(new string[] { "replay", "-", "--to", "host", "--baud", "9600" }, "--baud does not apply to --to host")]
    [InlineData(new string[] { "replay", "-", "--to", "host", "--rate", "2" }, "--rate does not apply to --to host")]
    [InlineData(new string[] { "replay", "-", "--to", "host", "--batch", "0" }, "--batch must be a whole number from 1")]
    [InlineData(new string[] { "replay", "/no/such/log.nmea", "--to", "host" }, "no such file")]
    [InlineData(new string[] { "replay", "-", "--to", "host", "--car", "a/b" }, "--car: car id 'a/b' is not a valid AWS IoT thing name")]
    [InlineData(new string[] { "replay", "-", "--to", "host", "--config", "/no/such/tracker.conf" }, "cannot read config file /no/such/tracker.conf")]
    [InlineData(new string[] { "replay", "-", "--to", "host", "--config", "t.conf", "--car", "x" }, "--car does not apply with --config")]
    [InlineData(new string[] { "replay", "-", "--to", "host", "--config", "t.conf", "--policy", "p" }, "--policy does not apply with --config")]
    [InlineData(new string[] { "replay", "-", "--to", "serial:/dev/null", "--config", "t.conf" }, "--config does not apply to --to serial:<port>")]
    public void BadReplayCommandLines_ExitWithCode2_AndSayWhatIsWrong(string[] args, string message)
    {
        var (code, output, error) = Run(Nmea.Rmc("120000"), args);
        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    /// <summary>Virtual time: sleeping advances it at once.</summary>
    internal sealed class FakeClock : IReplayClock
    {
        public TimeSpan Now { get; set; }

        public int Sleeps { get; private set; }

        public void Sleep(TimeSpan duration)
        {
            Assert.True(duration > TimeSpan.Zero);
            Sleeps++;
            Now += duration;
        }
    }

    /// <summary>A port that records when each write happened, and optionally takes the time a UART needs to send it.</summary>
    internal sealed class RecordingStream(FakeClock clock, double bytesPerSecond = 0) : Stream
    {
        public List<(TimeSpan At, byte[] Bytes)> Writes { get; } = [];

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count)
        {
            Writes.Add((clock.Now, buffer[offset..(offset + count)]));
            if (bytesPerSecond > 0)
            {
                clock.Now += TimeSpan.FromSeconds(count / bytesPerSecond);
            }
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }

    /// <summary>Returns a byte array in random small reads, as a UART does.</summary>
    private sealed class TrickleStream(byte[] bytes, Random random) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => bytes.Length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = Math.Min(Math.Min(count, random.Next(1, 100)), bytes.Length - _position);
            Array.Copy(bytes, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
