using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace IopPlatform.Api.Hosting;

/// <summary>
/// A JWT handler that remembers the tokens it validated, by their SHA-256, until they expire: a staff client sends the
/// same token on every request, and parsing it and checking its signature cost about as much as the patient read
/// (build/bench profile). Only successes are kept; each request gets its own copy of the identity.
/// </summary>
/// <remarks>
/// A cached token is trusted until its own <c>exp</c>, no longer (the clock skew the validator allows past it is not
/// granted again), and never beyond <see cref="MaxAge"/>, so a signing key withdrawn from the provider's metadata stops
/// being honoured within minutes. One cache per bearer scheme: its validation settings are fixed at startup. API keys do not pass through here: they are looked up on every request, so a revoked client is
/// refused at once.
/// </remarks>
internal sealed class CachingJsonWebTokenHandler : JsonWebTokenHandler
{
    /// <summary>Longest a validation is reused, whatever the token's lifetime.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    /// <summary>Entries kept at most; expired ones are dropped when it is reached, and nothing new is kept while full.</summary>
    public const int Capacity = 10_000;

    private readonly ConcurrentDictionary<TokenKey, Entry> _validated = new();
    public CachingJsonWebTokenHandler() => MapInboundClaims = false;

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        if (string.IsNullOrEmpty(token) || token.Length > MaximumTokenSizeInBytes)
        {
            return await base.ValidateTokenAsync(token, validationParameters).ConfigureAwait(false);
        }
        var key = TokenKey.Of(token);
        // Real time, as the base validator's lifetime check uses (never the app's TimeProvider, which tests freeze).
        var now = DateTime.UtcNow;
        if (_validated.TryGetValue(key, out var hit))
        {
            if (hit.Until > now)
            {
                return new TokenValidationResult
                {
                    IsValid = true,
                    ClaimsIdentity = hit.Identity.Clone(),
                    SecurityToken = hit.Token,
                    Issuer = hit.Issuer,
                    TokenType = hit.TokenType,
                };
            }
            _validated.TryRemove(key, out _);
        }
        var result = await base.ValidateTokenAsync(token, validationParameters).ConfigureAwait(false);
        if (result.IsValid && result.SecurityToken is { } validated && result.ClaimsIdentity is { } identity && validated.ValidTo > now)
        {
            Remember(key, new Entry(Min(validated.ValidTo, now + MaxAge), identity.Clone(), validated, result.Issuer, result.TokenType), now);
        }
        return result;
    }

    private void Remember(TokenKey key, Entry entry, DateTime now)
    {
        if (_validated.Count >= Capacity)
        {
            foreach (var (k, e) in _validated)
            {
                if (e.Until <= now)
                {
                    _validated.TryRemove(k, out _);
                }
            }
            if (_validated.Count >= Capacity)
            {
                return;
            }
        }
        _validated[key] = entry;
    }

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;

    private sealed record Entry(DateTime Until, ClaimsIdentity Identity, SecurityToken Token, string? Issuer, string? TokenType);

    private readonly record struct TokenKey(UInt128 High, UInt128 Low)
    {
        public static TokenKey Of(string token)
        {
            Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
            var bytes = System.Text.Encoding.UTF8.GetByteCount(token) <= 4096 ? stackalloc byte[4096] : new byte[System.Text.Encoding.UTF8.GetByteCount(token)];
            var length = System.Text.Encoding.UTF8.GetBytes(token, bytes);
            SHA256.HashData(bytes[..length], digest);
            var words = MemoryMarshal.Cast<byte, UInt128>(digest);
            return new TokenKey(words[0], words[1]);
        }
    }
}
