using Tracker.Cloud.Core.Storage;
using Tracker.Cloud.Derive.Engine;
using Tracker.Cloud.Derive.Observations;
using Tracker.Cloud.Derive.Zones;
using Tracker.Core.Uplink;

namespace Tracker.Cloud.Derive.Tests.Support;

/// <summary>
/// A random but plausible few hours of one car, from a seed: drives and parkings (with 15-minute heartbeats), speeds
/// now and then over the limit, ignition statuses, supply voltages that sag and drop out, a tow, two zones across the
/// path and a rental with a return zone.
/// </summary>
internal sealed class RandomDrive
{
    public RandomDrive(int seed)
    {
        var random = new Random(seed);
        List<Observation> all = [];
        double t = 0;
        double x = 0;
        bool ignition = false;
        int supply = 12_600;
        for (int leg = 0; leg < 8; leg++)
        {
            // Parked: heartbeats every 15 minutes, the battery sagging, sometimes a tow, sometimes power pulled.
            int beats = random.Next(1, 5);
            bool tow = random.Next(6) == 0;
            all.Add(Drive.Status(t, ignition ? IgnitionState.Off : IgnitionState.Off, supply));
            ignition = false;
            for (int b = 0; b < beats; b++)
            {
                t += 900;
                supply = random.Next(4) == 0 ? random.Next(3_000, 12_800) : Math.Clamp(supply - random.Next(-200, 400), 11_000, 12_800);
                all.Add(Drive.Status(t, IgnitionState.Off, supply));
                if (tow && b == 0)
                {
                    for (int i = 0; i < 40; i++)
                    {
                        t += 5;
                        x += 15;
                        all.Add(Drive.Fix(t, x, kmh: 11));
                    }
                }
                else
                {
                    all.Add(Drive.Fix(t, x + random.NextDouble(), kmh: 0));
                }
            }

            // Driving: a fix every 1 to 5 s, speeds in stretches, some over 100 km/h.
            t += 30;
            supply = 14_000;
            all.Add(Drive.Status(t, IgnitionState.On, supply));
            ignition = true;
            int fixes = random.Next(60, 400);
            double kmh = random.Next(20, 90);
            for (int i = 0; i < fixes; i++)
            {
                double dt = random.Next(1, 6);
                if (random.Next(25) == 0)
                {
                    kmh = random.Next(3) == 0 ? random.Next(101, 150) : random.Next(0, 99);
                }

                t += dt;
                x += (random.Next(2) == 0 ? 1 : 0.9) * kmh / 3.6 * dt * (leg % 2 == 0 ? 1 : -1);
                all.Add(Drive.Fix(t, x, northM: random.NextDouble() * 8, kmh: kmh));
            }

            t += 10;
            all.Add(Drive.Fix(t, x, kmh: 0));
        }

        Observations = all;
        End = Drive.Ms(t);
        var rental = new Rental(Drive.Car, "renter", Drive.Ms(t * 0.3), Drive.Ms(t * 0.6));
        Rentals = [rental];
        Zones =
        [
            new Zone { Id = "depot", Name = "Depot", Center = Drive.At(0, 0), RadiusM = 300, IsReturnZone = true },
            new Zone { Id = "strip", Name = "Strip", Vertices = [Drive.At(1500, -50), Drive.At(2500, -50), Drive.At(2500, 60), Drive.At(1500, 60)] },
            new Zone { Id = "area", Name = "Area", Scope = ZoneScope.Rental, RentalId = RentalIds.Of(rental), Center = Drive.At(0, 0), RadiusM = 3000 },
        ];
        Limits = new SpeedLimits { FleetMmps = 27_778 };
    }

    public IReadOnlyList<Observation> Observations { get; }

    public long End { get; }

    public IReadOnlyList<Rental> Rentals { get; }

    public IReadOnlyList<Zone> Zones { get; }

    public SpeedLimits Limits { get; }

    public Rig NewRig(bool keepStates = false)
    {
        var rig = new Rig(keepStates: keepStates);
        rig.Store.Zones.AddRange(Zones);
        rig.Store.Rentals.AddRange(Rentals);
        rig.Store.Limits = Limits;
        return rig;
    }
}
