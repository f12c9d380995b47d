namespace Tracker.Core.Modem
{
    /// <summary>
    /// The SIM7080G's TLS (MAN §9, §11; SSLN §4): the CA, certificate and key written to the modem's
    /// file system (checked by a stamp file, not rewritten), and the SSL contexts that use them. Part of
    /// <see cref="Sim7080Modem"/>, which exposes these operations.
    /// </summary>
    internal sealed class Sim7080Tls
    {
        private const string CustomerDir = "3";

        private readonly ModemCommands _commands;
        private readonly Sim7080Options _options;

        /// <summary>Creates the part.</summary>
        /// <param name="commands">The command runner.</param>
        /// <param name="options">The driver's options (file names, endpoint).</param>
        internal Sim7080Tls(ModemCommands commands, Sim7080Options options)
        {
            _commands = commands;
            _options = options;
        }

        /// <summary>True when the last <see cref="WriteCertificates"/> wrote the files (false: they were already there).</summary>
        internal bool CertificatesWritten { get; private set; }

        private AtResult Run(string command, string? prefix, int timeoutMs)
        {
            return _commands.Run(command, prefix, timeoutMs);
        }
        /// <summary>
        /// Writes the CA, certificate and key to the modem's customer directory (index 3) with
        /// <c>AT+CFSINIT</c>, <c>AT+CFSWFILE</c> in chunks of at most
        /// <see cref="Sim7080Timing.FileChunkBytes"/> (mode 0 for the first, 1 to append) and
        /// <c>AT+CFSTERM</c> (MAN §9; LG). Skipped when the stamp file on the modem names this exact
        /// content; the stamp is deleted before and written after the files, so an interrupted write
        /// is redone.
        /// </summary>
        /// <param name="certificates">The files.</param>
        /// <returns>Ok, or <see cref="ModemResult.FileWriteFailed"/> (or Timeout/Restarted).</returns>
        internal ModemResult WriteCertificates(ModemCertificates certificates)
        {
            if (certificates == null)
            {
                throw new System.ArgumentNullException("certificates");
            }

            CertificatesWritten = false;
            AtResult r = Run("AT+CFSINIT", null, Sim7080Timing.CommandMs);
            if (!r.IsOk && r.Status != AtStatus.Timeout && r.Status != AtStatus.Restarted)
            {
                // The buffer may still be allocated by an interrupted write.
                Run("AT+CFSTERM", null, Sim7080Timing.CommandMs);
                r = Run("AT+CFSINIT", null, Sim7080Timing.CommandMs);
            }

            if (!r.IsOk)
            {
                return FileFail(r);
            }

            if (StampMatches(certificates.Stamp))
            {
                Run("AT+CFSTERM", null, Sim7080Timing.CommandMs);
                return ModemResult.Ok;
            }

            Run("AT+CFSDFILE=" + CustomerDir + "," + AtText.Quote(Sim7080Options.StampFileName), null, Sim7080Timing.CommandMs);
            ModemResult m = WriteFile(_options.CaFileName, certificates.Ca);
            if (m == ModemResult.Ok)
            {
                m = WriteFile(_options.CertFileName, certificates.Certificate);
            }

            if (m == ModemResult.Ok)
            {
                m = WriteFile(_options.KeyFileName, certificates.Key);
            }

            if (m == ModemResult.Ok)
            {
                m = WriteFile(Sim7080Options.StampFileName, AtText.ToAscii(certificates.Stamp));
            }

            if (m == ModemResult.Timeout || m == ModemResult.Restarted)
            {
                return m;
            }

            Run("AT+CFSTERM", null, Sim7080Timing.CommandMs);
            CertificatesWritten = m == ModemResult.Ok;
            return m;
        }

        /// <summary>
        /// TLS for mutual authentication: TLS 1.2 and the server name on SSL contexts 0 and 1 (both:
        /// sources disagree on which one <c>AT+SMSSL=1</c> uses), then the CA (<c>CONVERT,2</c>) and
        /// the client certificate with its key (<c>CONVERT,1</c>) (MAN §11; SSLN §4; MQN §5.2). The
        /// context settings are NO_SAVE, so this runs after every boot.
        /// </summary>
        /// <returns>Ok, <see cref="ModemResult.Error"/> for a context setting, or <see cref="ModemResult.CertificateRejected"/>.</returns>
        internal ModemResult ConfigureSsl()
        {
            for (int ctx = 0; ctx <= 1; ctx++)
            {
                string c = ctx.ToString();
                AtResult r = Run("AT+CSSLCFG=\"SSLVERSION\"," + c + ",3", null, Sim7080Timing.CommandMs);
                if (!r.IsOk)
                {
                    return ModemCommands.Fail(r);
                }

                r = Run(string.Concat("AT+CSSLCFG=\"SNI\",", c, ",", AtText.Quote(_options.Endpoint)), null, Sim7080Timing.CommandMs);
                if (!r.IsOk)
                {
                    return ModemCommands.Fail(r);
                }
            }

            AtResult ca = Run("AT+CSSLCFG=\"CONVERT\",2," + AtText.Quote(_options.CaFileName), null, Sim7080Timing.ConvertMs);
            if (!ca.IsOk)
            {
                return CertFail(ca);
            }

            AtResult cert = Run(
                string.Concat("AT+CSSLCFG=\"CONVERT\",1,", AtText.Quote(_options.CertFileName), ",", AtText.Quote(_options.KeyFileName)),
                null,
                Sim7080Timing.ConvertMs);
            return cert.IsOk ? ModemResult.Ok : CertFail(cert);
        }

        private ModemResult WriteFile(string name, byte[] data)
        {
            int offset = 0;
            while (offset < data.Length)
            {
                int n = data.Length - offset;
                if (n > Sim7080Timing.FileChunkBytes)
                {
                    n = Sim7080Timing.FileChunkBytes;
                }

                string command = string.Concat(new string[]
                {
                    "AT+CFSWFILE=", CustomerDir, ",", AtText.Quote(name), offset == 0 ? ",0," : ",1,", n.ToString(), ",", Sim7080Timing.FileWriteMs.ToString(),
                });
                AtResult r = _commands.RunWithData(
                    command, AtPrompt.Download, data, offset, n, Sim7080Timing.CommandMs, Sim7080Timing.FileWriteMs + Sim7080Timing.CommandMs);
                if (!r.IsOk)
                {
                    return FileFail(r);
                }

                offset += n;
            }

            return ModemResult.Ok;
        }

        private bool StampMatches(string stamp)
        {
            string name = AtText.Quote(Sim7080Options.StampFileName);
            AtResult r = Run("AT+CFSGFIS=" + CustomerDir + "," + name, "+CFSGFIS:", Sim7080Timing.CommandMs);
            int size;
            if (!r.IsOk || !AtText.TryParseInt(r.FindValue("+CFSGFIS:"), out size) || size != stamp.Length)
            {
                return false;
            }

            // AT+CFSRFILE=<index>,<name>,<mode 0 = from the start>,<size>,<position> answers
            // +CFSRFILE: <size>, then the data, then OK (MAN §9; the exact framing is UNCONFIRMED:
            // if it differs, the stamp never matches and the files are rewritten, which is safe).
            r = Run(string.Concat(new string[] { "AT+CFSRFILE=", CustomerDir, ",", name, ",0,", size.ToString(), ",0" }), "+CFSRFILE:", Sim7080Timing.CommandMs);
            if (!r.IsOk)
            {
                return false;
            }

            for (int i = 0; i < r.Lines.Length; i++)
            {
                if (r.Lines[i] == stamp)
                {
                    return true;
                }
            }

            return false;
        }

        private ModemResult FileFail(AtResult r)
        {
            ModemResult m = ModemCommands.Fail(r);
            return m == ModemResult.Error ? ModemResult.FileWriteFailed : m;
        }

        private ModemResult CertFail(AtResult r)
        {
            ModemResult m = ModemCommands.Fail(r);
            return m == ModemResult.Error ? ModemResult.CertificateRejected : m;
        }
    }
}
