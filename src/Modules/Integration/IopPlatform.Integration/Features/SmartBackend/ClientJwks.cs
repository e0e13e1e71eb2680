using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace IopPlatform.Integration.Features.SmartBackend;

/// <summary>
/// One JSON Web Key (RFC 7517) as a client registers it. Only the public members are kept; the private members are
/// read only so that a key sent with them can be refused instead of silently stored.
/// </summary>
/// <param name="Kty">Key type: RSA (for RS384) or EC (for ES384, curve P-384).</param>
/// <param name="Kid">Key id, unique in the set; the client names it in its assertion's header.</param>
/// <param name="Alg">Optional; RS384 for an RSA key, ES384 for an EC key.</param>
/// <param name="Use">Optional; sig when present.</param>
/// <param name="N">RSA modulus (base64url), at least 2048 bits.</param>
/// <param name="E">RSA public exponent (base64url).</param>
/// <param name="Crv">EC curve: P-384.</param>
/// <param name="X">EC public point x (base64url).</param>
/// <param name="Y">EC public point y (base64url).</param>
/// <param name="D">Private member: must be absent.</param>
/// <param name="P">Private member: must be absent.</param>
/// <param name="Q">Private member: must be absent.</param>
/// <param name="Dp">Private member: must be absent.</param>
/// <param name="Dq">Private member: must be absent.</param>
/// <param name="Qi">Private member: must be absent.</param>
/// <param name="K">Symmetric key value: must be absent.</param>
internal sealed record ClientJwk(
    string Kty,
    string Kid,
    string? Alg = null,
    string? Use = null,
    string? N = null,
    string? E = null,
    string? Crv = null,
    string? X = null,
    string? Y = null,
    string? D = null,
    string? P = null,
    string? Q = null,
    string? Dp = null,
    string? Dq = null,
    string? Qi = null,
    string? K = null);

/// <summary>What a registered JWKS may hold, how it is stored, and how it is read back for signature checks.</summary>
internal static class ClientJwks
{
    public const int MaximumKeys = 10;
    public const int MinimumRsaBits = 2048;

    /// <summary>The algorithms a client may sign its assertions with (SMART Backend Services: RS384 and ES384).</summary>
    public static readonly IReadOnlyList<string> Algorithms = [SecurityAlgorithms.RsaSha384, SecurityAlgorithms.EcdsaSha384];

    /// <summary>Every problem of one key, as (member, message); none when the key is a usable public key.</summary>
    public static IEnumerable<(string Member, string Message)> Problems(ClientJwk key)
    {
        var secret = new[] { ("d", key.D), ("p", key.P), ("q", key.Q), ("dp", key.Dp), ("dq", key.Dq), ("qi", key.Qi), ("k", key.K) }
            .Where(m => m.Item2 is not null).Select(m => m.Item1).ToList();
        if (secret.Count > 0)
        {
            yield return (secret[0], $"Private key material ({string.Join(", ", secret)}) must never be sent: register the public key only, and treat this private key as exposed.");
            yield break;
        }
        if (string.IsNullOrWhiteSpace(key.Kid) || key.Kid.Length > 200)
        {
            yield return ("kid", "Every key needs a kid of 1–200 characters; the client names it in its assertion's header.");
        }
        if (key.Use is not null && key.Use != "sig")
        {
            yield return ("use", "A client key is for signatures: use must be 'sig' or absent.");
        }
        switch (key.Kty)
        {
            case "RSA":
                if (key.Alg is not null && key.Alg != SecurityAlgorithms.RsaSha384)
                {
                    yield return ("alg", "An RSA key signs with RS384.");
                }
                if (RsaProblem(key) is { } rsa)
                {
                    yield return rsa;
                }
                break;
            case "EC":
                if (key.Alg is not null && key.Alg != SecurityAlgorithms.EcdsaSha384)
                {
                    yield return ("alg", "An EC key signs with ES384.");
                }
                if (EcProblem(key) is { } ec)
                {
                    yield return ec;
                }
                break;
            default:
                yield return ("kty", "kty must be RSA (RS384) or EC (ES384, curve P-384).");
                break;
        }
    }

    /// <summary>The stored form: a JWKS holding only the public members.</summary>
    public static string Serialize(IEnumerable<ClientJwk> keys) => JsonSerializer.Serialize(new
    {
        keys = keys.Select(k => k.Kty == "RSA"
            ? (object)new { kty = k.Kty, kid = k.Kid, alg = k.Alg ?? SecurityAlgorithms.RsaSha384, use = "sig", n = k.N, e = k.E }
            : new { kty = k.Kty, kid = k.Kid, alg = k.Alg ?? SecurityAlgorithms.EcdsaSha384, use = "sig", crv = k.Crv, x = k.X, y = k.Y }),
    });

    /// <summary>The key ids of a stored JWKS; null when none is stored.</summary>
    public static IReadOnlyList<string>? KeyIds(string? stored) =>
        stored is null ? null : [.. Load(stored).Select(k => k.Kid)];

    /// <summary>The stored keys as signature-checking keys.</summary>
    public static IReadOnlyList<JsonWebKey> Load(string stored) => [.. new JsonWebKeySet(stored).Keys];

    private static (string, string)? RsaProblem(ClientJwk key)
    {
        if (Decode(key.N) is not { } n || Decode(key.E) is not { } e)
        {
            return ("n", "An RSA key needs n and e, base64url-encoded.");
        }
        if (n.Length * 8 < MinimumRsaBits)
        {
            return ("n", $"An RSA key needs a modulus of at least {MinimumRsaBits} bits.");
        }
        try
        {
            using var rsa = RSA.Create();
            rsa.ImportParameters(new RSAParameters { Modulus = n, Exponent = e });
            return null;
        }
        catch (CryptographicException)
        {
            return ("n", "n and e are not a valid RSA public key.");
        }
    }

    private static (string, string)? EcProblem(ClientJwk key)
    {
        if (key.Crv != "P-384")
        {
            return ("crv", "An EC key for ES384 is on curve P-384.");
        }
        if (Decode(key.X) is not { Length: 48 } x || Decode(key.Y) is not { Length: 48 } y)
        {
            return ("x", "x and y are the 48-byte coordinates of a P-384 point, base64url-encoded.");
        }
        try
        {
            // Import checks that the point lies on the curve.
            using var ec = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP384, Q = new ECPoint { X = x, Y = y } });
            return null;
        }
        catch (CryptographicException)
        {
            return ("x", "x and y are not a point on P-384.");
        }
    }

    private static byte[]? Decode(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > 2048)
        {
            return null;
        }
        try
        {
            return Base64Url.DecodeFromChars(value);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
