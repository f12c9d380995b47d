using System.Net.Mail;
using Tracker.Cloud.Notify.Outbox;

namespace Tracker.Cloud.Notify.Channels;

/// <summary>
/// Sends an entry as an e-mail through an SMTP server (locally one on 127.0.0.1; on AWS, SES's SMTP interface or its
/// API). The Message-ID is the delivery id, so a repeat after a crash is recognisable. A refusal or a network failure
/// is an error to retry.
/// </summary>
/// <param name="host">The SMTP server.</param>
/// <param name="port">Its port.</param>
/// <param name="from">The sender address.</param>
public sealed class EmailSender(string host, int port, string from) : ISender
{
    /// <inheritdoc/>
    public async Task<string?> SendAsync(OutboxEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        using var message = new MailMessage(from, entry.Target)
        {
            Subject = "[tracker] " + entry.Summary,
            Body = entry.Summary + "\r\n\r\n" + entry.Payload + "\r\n",
            BodyEncoding = System.Text.Encoding.UTF8,

            // 8BITMIME (RFC 6152): the JSON stays readable; servers without it get it re-encoded by the client.
            BodyTransferEncoding = System.Net.Mime.TransferEncoding.EightBit,
            SubjectEncoding = System.Text.Encoding.UTF8,
        };
        message.Headers.Add("Message-ID", "<" + entry.DeliveryId + "@tracker.local>");
        message.Headers.Add("X-Tracker-Delivery", entry.DeliveryId);
#pragma warning disable SYSLIB0014 // SmtpClient is fine for a plain relay on 127.0.0.1 or SES's SMTP endpoint
        using var client = new SmtpClient(host, port) { DeliveryMethod = SmtpDeliveryMethod.Network, Timeout = 10_000 };
#pragma warning restore SYSLIB0014
        try
        {
            await client.SendMailAsync(message, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (SmtpException e)
        {
            return "SMTP: " + e.Message;
        }
        catch (InvalidOperationException e)
        {
            return "SMTP: " + e.Message;
        }
    }
}
