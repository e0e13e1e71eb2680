using System.Net;
using System.Net.Mail;

namespace IopPlatform.Integration.Features.Webhooks;

/// <summary>
/// Email settings (<c>Integration:Email</c>). Off unless <see cref="From"/> and either an SMTP host or a pickup directory
/// are set. Recipients: <c>Addresses:&lt;userId&gt;</c>, else the user id itself when it is an address, else
/// <see cref="AddressTemplate"/> with <c>{userId}</c>.
/// </summary>
internal sealed class EmailOptions
{
    public string? From { get; set; }

    public string? SmtpHost { get; set; }

    public int SmtpPort { get; set; } = 587;

    public bool SmtpSsl { get; set; } = true;

    public string? SmtpUser { get; set; }

    public string? SmtpPassword { get; set; }

    /// <summary>Writes each message as an .eml file here instead of sending (tests, relays that poll a folder).</summary>
    public string? PickupDirectory { get; set; }

    /// <summary>Base of the link in the email, e.g. https://iop.example.org; the alert id is appended.</summary>
    public string LinkBaseUrl { get; set; } = "https://localhost";

    public string? AddressTemplate { get; set; }

    public Dictionary<string, string> Addresses { get; set; } = new(StringComparer.Ordinal);

    public bool Enabled => !string.IsNullOrWhiteSpace(From) && (!string.IsNullOrWhiteSpace(SmtpHost) || !string.IsNullOrWhiteSpace(PickupDirectory));

    public string? AddressOf(string userId)
    {
        if (Addresses.TryGetValue(userId, out var address))
        {
            return address;
        }
        if (MailAddress.TryCreate(userId, out _))
        {
            return userId;
        }
        return AddressTemplate is null ? null : AddressTemplate.Replace("{userId}", userId, StringComparison.Ordinal);
    }
}

/// <summary>Sends one email; swapped in tests or for another transport.</summary>
internal interface IEmailSender
{
    Task SendAsync(string to, string subject, string body, CancellationToken ct);
}

/// <summary>
/// SMTP through System.Net.Mail (no extra package): over the network, or into a pickup directory as .eml files when
/// <see cref="EmailOptions.PickupDirectory"/> is set.
/// </summary>
internal sealed class SmtpEmailSender(EmailOptions options) : IEmailSender
{
    public async Task SendAsync(string to, string subject, string body, CancellationToken ct)
    {
        using var message = new MailMessage(options.From!, to, subject, body) { IsBodyHtml = false };
        using var client = new SmtpClient();
        if (!string.IsNullOrWhiteSpace(options.PickupDirectory))
        {
            Directory.CreateDirectory(options.PickupDirectory);
            client.DeliveryMethod = SmtpDeliveryMethod.SpecifiedPickupDirectory;
            client.PickupDirectoryLocation = Path.GetFullPath(options.PickupDirectory);
        }
        else
        {
            client.Host = options.SmtpHost!;
            client.Port = options.SmtpPort;
            client.EnableSsl = options.SmtpSsl;
            if (!string.IsNullOrEmpty(options.SmtpUser))
            {
                client.Credentials = new NetworkCredential(options.SmtpUser, options.SmtpPassword);
            }
        }
        await client.SendMailAsync(message, ct);
    }
}
