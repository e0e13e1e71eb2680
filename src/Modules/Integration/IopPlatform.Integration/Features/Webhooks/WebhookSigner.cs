using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace IopPlatform.Integration.Features.Webhooks;

/// <summary>
/// Standard Webhooks signatures (standardwebhooks.com): HMAC-SHA256 over <c>{webhook-id}.{webhook-timestamp}.{body}</c>
/// with the base64 part of the <c>whsec_</c> secret as key, sent as <c>webhook-signature: v1,&lt;base64&gt;</c>.
/// </summary>
internal static class WebhookSigner
{
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";

    public static string Sign(string secret, string id, DateTimeOffset timestamp, string body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var key = Convert.FromBase64String(secret.StartsWith("whsec_", StringComparison.Ordinal) ? secret[6..] : secret);
        var content = $"{id}.{timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}.{body}";
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(content)));
    }
}
