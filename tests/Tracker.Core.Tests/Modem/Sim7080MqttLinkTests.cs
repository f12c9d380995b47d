using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Tracker.Core.Modem;
using Tracker.Core.Uplink;

namespace Tracker.Core.Tests.Modem;

/// <summary>
/// <see cref="Sim7080MqttLink"/> as the uplink uses it, against the simulated modem: QoS 1 publish
/// with a checked result, subscriptions, disconnect URCs, silent drops, and a modem that reboots.
/// </summary>
public class Sim7080MqttLinkTests
{
    private const string Topic = "cars/car-42/fixes";

    private static byte[] Payload(int n, int seed)
    {
        var b = new byte[n];
        new Random(seed).NextBytes(b);
        return b;
    }

    private static (int Id, bool Delivered)[] Completions(Sim7080MqttLink link)
    {
        var list = new List<(int, bool)>();
        while (link.TryTakeCompletion(out int id, out bool delivered))
        {
            list.Add((id, delivered));
        }

        return [.. list];
    }

    [Fact]
    public void Publish_WritesExactlyThePayloadAfterThePrompt_AndQueuesADeliveredCompletion()
    {
        var rig = new ModemRig();
        rig.ConnectOk();

        // Bytes that would break a naive AT layer: CR LF, "OK", quotes, a '>' and Ctrl-Z.
        byte[] buffer = [.. "xx"u8, .. "\r\nOK\r\n\"> \x1A\0\u00ff"u8, .. Payload(700, 3), .. "yy"u8];
        int count = buffer.Length - 4;

        Assert.Equal(LinkResult.Ok, rig.Link.Publish(Topic, buffer, 2, count, 1, out int id));

        SimPublish sent = Assert.Single(rig.Sim.Published);
        Assert.Equal(Topic, sent.Topic);
        Assert.Equal(buffer.AsSpan(2, count).ToArray(), sent.Payload);
        Assert.Equal(1, sent.Qos);
        Assert.False(sent.Retain);
        Assert.Equal([(id, true)], Completions(rig.Link));
        Assert.NotEqual(0, id);
        Assert.Equal("AT+SMSTATE?", rig.Sim.Commands[^1]);
        Assert.Equal(0, rig.Sim.StrayBytes);
    }

    [Fact]
    public void MessageIds_AreDistinct_AndCompletionsComeInOrder()
    {
        var rig = new ModemRig();
        rig.ConnectOk();
        var ids = new List<int>();
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(LinkResult.Ok, rig.Link.Publish(Topic, Payload(50 + i, i), 0, 50 + i, 1, out int id));
            ids.Add(id);
        }

        Assert.Equal(ids.Select(i => (i, true)), Completions(rig.Link));
        Assert.Equal(10, ids.Distinct().Count());
        Assert.Equal(10, rig.Sim.Published.Count);
    }

    [Fact]
    public void Qos0_HasNoCompletion_AndNoStateCheck()
    {
        var rig = new ModemRig();
        rig.ConnectOk();

        Assert.Equal(LinkResult.Ok, rig.Link.Publish(Topic, [1, 2, 3], 0, 3, 0, out int id));

        Assert.Equal(0, id);
        Assert.Empty(Completions(rig.Link));
        Assert.StartsWith("AT+SMPUB=", rig.Sim.Commands[^1], StringComparison.Ordinal);
        Assert.Equal(0, rig.Sim.Published[0].Qos);
    }

    [Fact]
    public void AnErrorAfterThePayload_IsANotDeliveredCompletion_AndTheSessionStaysUp()
    {
        var rig = new ModemRig();
        rig.ConnectOk();
        rig.Sim.PublishFaults.Enqueue(PublishFault.ErrorAfterPayload);

        Assert.Equal(LinkResult.Ok, rig.Link.Publish(Topic, [1, 2, 3], 0, 3, 1, out int id));

        Assert.Equal([(id, false)], Completions(rig.Link));
        Assert.True(rig.Link.IsConnected);
        Assert.Equal(ModemResult.Error, rig.Link.LastModemResult);
    }

    [Fact]
    public void AnOkFollowedByALostSession_IsNotDelivered()
    {
        var rig = new ModemRig(setup: s => s.AnnounceDrops = false);
        rig.ConnectOk();
        rig.Sim.PublishFaults.Enqueue(PublishFault.OkThenDrop);

        Assert.Equal(LinkResult.Ok, rig.Link.Publish(Topic, [1, 2, 3], 0, 3, 1, out int id));

        Assert.Equal([(id, false)], Completions(rig.Link));
        Assert.False(rig.Link.IsConnected);
    }

    [Fact]
    public void AnErrorBecauseTheSessionDropped_IsNotDelivered_AndDisconnects()
    {
        var rig = new ModemRig();
        rig.ConnectOk();
        rig.Sim.PublishFaults.Enqueue(PublishFault.DropThenError);

        Assert.Equal(LinkResult.Ok, rig.Link.Publish(Topic, [1, 2, 3], 0, 3, 1, out int id));

        Assert.Equal([(id, false)], Completions(rig.Link));
        Assert.False(rig.Link.IsConnected);
    }

    [Fact]
    public void NoAnswerAfterThePayload_TimesOut_NotDelivered_AndTheSessionIsSuspect()
    {
        var rig = new ModemRig();
        rig.ConnectOk();
        rig.Sim.PublishFaults.Enqueue(PublishFault.NoAnswer);
        long before = rig.Clock.NowMs;

        Assert.Equal(LinkResult.Ok, rig.Link.Publish(Topic, [1, 2, 3], 0, 3, 1, out int id));

        Assert.Equal([(id, false)], Completions(rig.Link));
        Assert.False(rig.Link.IsConnected);
        Assert.InRange(rig.Clock.NowMs - before, rig.Options.PublishTimeoutMs, rig.Options.PublishTimeoutMs + 1000);
        rig.ConnectOk();
    }

    [Fact]
    public void AnErrorInsteadOfThePrompt_SendsNothing_AndQueuesNoCompletion()
    {
        var rig = new ModemRig();
        rig.ConnectOk();
        rig.Sim.Fail("AT+SMPUB=");

        Assert.Equal(LinkResult.TransportFailed, rig.Link.Publish(Topic, [1, 2, 3], 0, 3, 1, out int id));

        Assert.Equal(0, id);
        Assert.Empty(Completions(rig.Link));
        Assert.Empty(rig.Sim.Published);
        Assert.True(rig.Link.IsConnected);
    }

    [Fact]
    public void WhatTheModemCannotCarry_IsInvalid()
    {
        var rig = new ModemRig();
        rig.ConnectOk();

        Assert.Equal(LinkResult.Invalid, rig.Link.Publish(Topic, new byte[1025], 0, 1025, 1, out _));
        Assert.Equal(LinkResult.Invalid, rig.Link.Publish(Topic, [1], 0, 1, 2, out _));
        Assert.Equal(LinkResult.Invalid, rig.Link.Publish("a\"b", [1], 0, 1, 1, out _));
        Assert.Equal(LinkResult.Invalid, rig.Link.Publish(new string('t', 129), [1], 0, 1, 1, out _));
        Assert.Equal(LinkResult.Invalid, rig.Link.Subscribe("a\"b"));
        Assert.Equal(LinkResult.Ok, rig.Link.Publish(Topic, new byte[1024], 0, 1024, 1, out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => rig.Link.Publish(Topic, [1], 0, 2, 1, out _));
    }

    [Fact]
    public void SixteenUntakenCompletions_MakeItBusy()
    {
        var rig = new ModemRig();
        rig.ConnectOk();
        for (int i = 0; i < Sim7080MqttLink.CompletionCapacity; i++)
        {
            Assert.Equal(LinkResult.Ok, rig.Link.Publish(Topic, [1], 0, 1, 1, out _));
        }

        Assert.Equal(LinkResult.Busy, rig.Link.Publish(Topic, [1], 0, 1, 1, out _));
        Assert.True(rig.Link.TryTakeCompletion(out _, out _));
        Assert.Equal(LinkResult.Ok, rig.Link.Publish(Topic, [1], 0, 1, 1, out _));
    }

    [Fact]
    public void PublishingWhileDisconnected_IsNotConnected()
    {
        var rig = new ModemRig();

        Assert.Equal(LinkResult.NotConnected, rig.Link.Publish(Topic, [1], 0, 1, 1, out _));
        Assert.Equal(LinkResult.NotConnected, rig.Link.Subscribe("cars/car-42/live"));
    }

    [Fact]
    public void SubscribedMessages_ArriveBinarySafe_ThroughSubhex()
    {
        var rig = new ModemRig();
        rig.ConnectOk();
        Assert.Equal(LinkResult.Ok, rig.Link.Subscribe("cars/car-42/live"));
        byte[] command = [0x00, 0x22, 0x0D, 0x0A, (byte)'O', (byte)'K', 0xFF];

        rig.Sim.Deliver("cars/car-42/live", command);
        rig.Sim.Deliver("cars/car-42/live", Encoding.ASCII.GetBytes("{\"watch\":60}"));

        Assert.True(rig.Link.TryTakeMessage(out string topic, out byte[] payload));
        Assert.Equal("cars/car-42/live", topic);
        Assert.Equal(command, payload);
        Assert.True(rig.Link.TryTakeMessage(out _, out byte[] second));
        Assert.Equal("{\"watch\":60}", Encoding.ASCII.GetString(second));
        Assert.False(rig.Link.TryTakeMessage(out _, out _));
        Assert.Contains("AT+SMSUB=\"cars/car-42/live\",1", rig.Sim.Commands);
    }

    [Fact]
    public void AMessageArrivingDuringAPublish_IsKept()
    {
        var rig = new ModemRig();
        rig.ConnectOk();
        rig.Link.Subscribe("cars/car-42/live");
        rig.Sim.UrcBefore("AT+SMSTATE?", "+SMSUB: \"cars/car-42/live\",\"3630\"");

        Assert.Equal(LinkResult.Ok, rig.Link.Publish(Topic, [1, 2], 0, 2, 1, out _));

        Assert.True(rig.Link.TryTakeMessage(out _, out byte[] payload));
        Assert.Equal("60", Encoding.ASCII.GetString(payload));
    }

    [Fact]
    public void AnUnsolicitedSmstate0_DisconnectsTheLink_AndItReconnectsWithoutReconfiguring()
    {
        var rig = new ModemRig();
        rig.ConnectOk();

        rig.Sim.DropMqtt();

        Assert.False(rig.Link.IsConnected);
        int from = rig.Sim.Commands.Count;
        rig.ConnectOk();
        List<string> again = rig.CommandsSince(from);
        Assert.DoesNotContain("ATE0", again);
        Assert.DoesNotContain("AT+CNACT=0,1", again);
        Assert.Equal(2, rig.Sim.Connects);
    }

    [Fact]
    public void APdpDeactivation_DisconnectsTheLink_AndTheBearerIsRebuilt()
    {
        var rig = new ModemRig();
        rig.ConnectOk();

        rig.Sim.DropPdp();

        Assert.False(rig.Link.IsConnected);
        Assert.False(rig.Driver.IsPdpActive);
        int from = rig.Sim.Commands.Count;
        rig.ConnectOk();
        List<string> again = rig.CommandsSince(from);
        Assert.Contains("AT+CNACT=0,1", again);
        Assert.DoesNotContain("ATE0", again);
    }

    [Fact]
    public void ASilentDrop_IsFoundByTheStatePoll()
    {
        var rig = new ModemRig(setup: s => s.AnnounceDrops = false, statePollMs: 30_000);
        rig.ConnectOk();
        rig.Sim.DropMqtt();

        Assert.False(rig.Link.TryTakeMessage(out _, out _));
        Assert.True(rig.Link.IsConnected); // nothing said it yet

        rig.Idle(30_000);
        Assert.False(rig.Link.TryTakeMessage(out _, out _));
        Assert.False(rig.Link.IsConnected);
    }

    [Fact]
    public void HeardFromBroker_GrowsWithEachStatePollThatFindsTheSessionUp_AndNotWithOneThatFindsItGone()
    {
        var rig = new ModemRig(setup: s => s.AnnounceDrops = false, statePollMs: 30_000);
        rig.ConnectOk();
        int atConnect = rig.Link.HeardFromBroker;
        Assert.NotEqual(0, atConnect); // the AT+SMSTATE? after AT+SMCONN

        rig.Idle(30_000);
        rig.Link.TryTakeMessage(out _, out _);
        Assert.Equal(atConnect + 1, rig.Link.HeardFromBroker);

        Assert.Equal(LinkResult.Ok, rig.Link.Publish(Topic, Payload(10, 1), 0, 10, 1, out _));
        Assert.Equal(atConnect + 2, rig.Link.HeardFromBroker); // the check after a QoS 1 publish

        rig.Sim.DropMqtt();
        rig.Idle(30_000);
        rig.Link.TryTakeMessage(out _, out _);
        Assert.False(rig.Link.IsConnected);
        Assert.Equal(atConnect + 2, rig.Link.HeardFromBroker);
    }

    [Fact]
    public void TheStatePoll_AlsoRefreshesTheSignal()
    {
        var rig = new ModemRig();
        rig.ConnectOk();
        rig.Sim.Rssi = 10;

        rig.Idle(30_000);
        rig.Link.TryTakeMessage(out _, out _);

        Assert.Equal(-94, rig.Driver.SignalDbm);
    }

    [Fact]
    public void AModemRebootMidSession_IsNoticed_AndTheReconnectRedoesOnlyWhatWasLost()
    {
        var rig = new ModemRig();
        rig.ConnectOk();
        int writes = rig.Sim.FileWrites;

        rig.Sim.Reboot();
        rig.Idle(rig.Sim.BootMs);

        Assert.False(rig.Link.IsConnected);
        Assert.Equal(1, rig.Driver.RestartsDetected);
        Assert.False(rig.Driver.IsConfigured);

        int from = rig.Sim.Commands.Count;
        rig.ConnectOk();
        List<string> again = rig.CommandsSince(from);
        Assert.Contains("ATE0", again);
        Assert.Contains("AT+CMEE=2", again);
        Assert.Contains("AT+CSSLCFG=\"SSLVERSION\",0,3", again);
        Assert.Contains("AT+CSSLCFG=\"SNI\",1,\"" + ModemRig.Endpoint + "\"", again);
        Assert.Contains("AT+CNACT=0,1", again);
        Assert.Contains("AT+SMCONN", again);
        Assert.DoesNotContain("AT+CFUN=0", again);
        Assert.DoesNotContain(again, c => c.StartsWith("AT+CFSWFILE", StringComparison.Ordinal));
        Assert.Equal(writes, rig.Sim.FileWrites);
        Assert.Equal(1, rig.Driver.RestartsDetected);
        Assert.Equal(LinkResult.Ok, rig.Link.Publish(Topic, [9], 0, 1, 1, out _));
    }

    [Fact]
    public void ARebootThatSwallowsAPublish_IsNotConnected_WithNoCompletion()
    {
        var rig = new ModemRig();
        rig.ConnectOk();
        rig.Sim.RebootOn("AT+SMPUB=");

        Assert.Equal(LinkResult.NotConnected, rig.Link.Publish(Topic, [1, 2, 3], 0, 3, 1, out int id));

        Assert.Equal(0, id);
        Assert.Empty(Completions(rig.Link));
        Assert.False(rig.Link.IsConnected);
        Assert.Equal(1, rig.Driver.RestartsDetected);
        rig.ConnectOk();
        Assert.Equal(LinkResult.Ok, rig.Link.Publish(Topic, [1, 2, 3], 0, 3, 1, out _));
        Assert.Single(rig.Sim.Published);
    }

    [Fact]
    public void ARebootWithoutUrcs_AutoBaud_IsNoticedByTheEchoComingBack()
    {
        var rig = new ModemRig();
        rig.ConnectOk();
        rig.Sim.AutoBaud = true;

        rig.Sim.Reboot();
        rig.Idle(rig.Sim.BootMs);

        Assert.True(rig.Link.IsConnected); // nothing was said
        Assert.Equal(LinkResult.NotConnected, rig.Link.Publish(Topic, [1], 0, 1, 1, out _));
        Assert.False(rig.Link.IsConnected);
        Assert.Equal(1, rig.Driver.RestartsDetected);
        rig.ConnectOk();
    }

    [Fact]
    public void ARebootDuringBringUp_IsRetried_AndEndsConfigured()
    {
        var rig = new ModemRig();
        rig.Sim.RebootOn("AT+CSSLCFG=\"CONVERT\",1");

        rig.ConnectOk();

        Assert.Equal(2, rig.Sim.Boots);
        Assert.Equal((3, ModemRig.Endpoint), rig.Sim.SslContexts[0]);
        Assert.False(rig.Sim.Echo);
        Assert.Equal(2, rig.Sim.Commands.Count(c => c == "ATE0"));
    }

    [Fact]
    public void ARebootWhileWaitingForThePdp_IsRetried()
    {
        var rig = new ModemRig();
        rig.Sim.RebootOn("AT+CNACT=0,1");

        rig.ConnectOk();

        Assert.Equal(2, rig.Sim.Boots);
    }

    [Fact]
    public void Disconnect_SendsSmdisc_AndDropsUntakenCompletions()
    {
        var rig = new ModemRig();
        rig.ConnectOk();
        rig.Link.Publish(Topic, [1], 0, 1, 1, out _);

        rig.Link.Disconnect();

        Assert.Equal("AT+SMDISC", rig.Sim.Commands[^1]);
        Assert.Equal(0, rig.Sim.MqttState);
        Assert.False(rig.Link.IsConnected);
        Assert.Empty(Completions(rig.Link));
    }

    [Property(MaxTest = 25)]
    public Property OnANoisyLine_BringUpAndPublishesStillWork_ByteExact() =>
        Prop.ForAll(Gen.Choose(1, 1_000_000).ToArbitrary(), seed =>
        {
            var rig = new ModemRig(poweredOn: seed % 2 == 0, seed: seed, setup: s =>
            {
                s.UrcNoise = 0.3;
                s.GarbageNoise = 0.3;
                s.MaxChunk = 1 + (seed % 17);
                s.RandomChunks = true;
            });
            rig.ConnectOk();
            rig.Link.Subscribe("cars/car-42/live");
            var random = new Random(seed);
            var sent = new List<byte[]>();
            for (int i = 0; i < 12; i++)
            {
                byte[] p = Payload(random.Next(0, 1025), seed + i);
                Assert.Equal(LinkResult.Ok, rig.Link.Publish(Topic, p, 0, p.Length, 1, out int id));
                Assert.True(rig.Link.TryTakeCompletion(out int done, out bool delivered));
                Assert.Equal(id, done);
                Assert.True(delivered);
                sent.Add(p);
                if (i % 4 == 0)
                {
                    // A poll reads only what is there; with reads cut this small a URC can take a few polls.
                    rig.Sim.Deliver("cars/car-42/live", p.Take(40).ToArray());
                    byte[] got = [];
                    bool arrived = false;
                    for (int poll = 0; poll < 20 && !arrived; poll++)
                    {
                        arrived = rig.Link.TryTakeMessage(out _, out got);
                    }

                    Assert.True(arrived);
                    Assert.Equal(p.Take(40), got);
                }
            }

            Assert.Equal(sent, rig.Sim.Published.Select(m => m.Payload));
            Assert.Equal(0, rig.Sim.StrayBytes);
            Assert.Equal(0, rig.Driver.RestartsDetected);
        });

    [Property(MaxTest = 20)]
    public Property RandomFaultSequences_NeverThrow_AndNeverReportAnUnpublishedMessageAsDelivered() =>
        Prop.ForAll(Gen.Choose(1, 1_000_000).ToArbitrary(), seed =>
        {
            var rig = new ModemRig(seed: seed, setup: s => s.UrcNoise = 0.1);
            var random = new Random(seed);
            var delivered = new HashSet<int>();
            var payloadOf = new Dictionary<int, byte[]>();
            for (int step = 0; step < 40; step++)
            {
                switch (random.Next(12))
                {
                    case 0: rig.Sim.Reboot(); break;
                    case 1: rig.Sim.DropMqtt(); break;
                    case 2: rig.Sim.DropPdp(); break;
                    case 3: rig.Sim.PublishFaults.Enqueue((PublishFault)random.Next(5)); break;
                    case 4: rig.Sim.Fail("AT+SMPUB="); break;
                    case 5: rig.Sim.Mute("AT+SMSTATE?"); break;
                    case 6: rig.Idle(random.Next(0, 40_000)); break;
                }

                if (!rig.Link.IsConnected)
                {
                    rig.Link.Disconnect();
                    rig.Link.Connect(ModemRig.ConnectOptions());
                    continue;
                }

                byte[] p = Payload(random.Next(1, 300), seed * 100 + step);
                if (rig.Link.Publish(Topic, p, 0, p.Length, 1, out int id) == LinkResult.Ok)
                {
                    payloadOf[id] = p;
                }

                while (rig.Link.TryTakeCompletion(out int done, out bool ok))
                {
                    if (ok)
                    {
                        delivered.Add(done);
                    }
                }

                foreach (int d in delivered)
                {
                    Assert.Contains(rig.Sim.Published, m => m.Payload.SequenceEqual(payloadOf[d]));
                }
            }
        });
}
