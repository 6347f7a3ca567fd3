using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Classhub.Proxy.Forwarding;

/// <summary>
/// Finds and removes the hub's credentials in a request bound for a user's server: cookies whose name starts with the
/// hub's prefix, and the <c>token</c> query parameter (matched as the hub reads it: any case, percent-encoded or not).
/// Every request to a server passes here, and almost none carries a hub credential, so each check reads the request in
/// place and allocates nothing; only a request that has something to remove is rewritten.
/// </summary>
internal static class HubCredentials
{
    private const string TokenParameter = "token";

    /// <summary>True when some cookie header may carry a hub cookie (its prefix appears anywhere, in any case).</summary>
    public static bool MayHaveHubCookie(StringValues cookieHeaders, string prefix)
    {
        foreach (var header in cookieHeaders)
        {
            if (header is not null && header.Contains(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The cookie headers joined into one, without the hub's cookies: those named with its prefix (any case), and any
    /// part that hides one after a comma (a separator some parsers accept). Empty when nothing is left.
    /// </summary>
    public static string WithoutHubCookies(StringValues cookieHeaders, string prefix)
    {
        var kept = new StringBuilder();
        foreach (var header in cookieHeaders)
        {
            foreach (var part in (header ?? "").Split(';'))
            {
                var pair = part.Trim();
                if (pair.Length == 0 || IsHubCookie(pair, prefix))
                {
                    continue;
                }

                if (kept.Length > 0)
                {
                    kept.Append("; ");
                }

                kept.Append(pair);
            }
        }

        return kept.ToString();
    }

    /// <summary>True when the query (with or without its <c>?</c>) has a parameter the hub would read as <c>token</c>.</summary>
    public static bool HasToken(string? query)
    {
        if (string.IsNullOrEmpty(query))
        {
            return false;
        }

        var rest = query.AsSpan(query[0] == '?' ? 1 : 0);
        while (true)
        {
            var end = rest.IndexOf('&');
            if (IsTokenName(NameOf(end < 0 ? rest : rest[..end])))
            {
                return true;
            }

            if (end < 0)
            {
                return false;
            }

            rest = rest[(end + 1)..];
        }
    }

    /// <summary>The query without its <c>token</c> parameters; the others keep their order and exact spelling.</summary>
    public static QueryString WithoutToken(string query)
    {
        var kept = new StringBuilder();
        foreach (var parameter in (query.StartsWith('?') ? query[1..] : query).Split('&'))
        {
            if (parameter.Length == 0 || IsTokenName(NameOf(parameter)))
            {
                continue;
            }

            kept.Append(kept.Length == 0 ? '?' : '&').Append(parameter);
        }

        return kept.Length == 0 ? QueryString.Empty : new QueryString(kept.ToString());
    }

    private static bool IsHubCookie(string pair, string prefix)
    {
        if (pair.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        for (var comma = pair.IndexOf(',', StringComparison.Ordinal); comma >= 0; comma = pair.IndexOf(',', comma + 1))
        {
            if (pair.AsSpan(comma + 1).TrimStart().StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static ReadOnlySpan<char> NameOf(ReadOnlySpan<char> parameter)
    {
        var equals = parameter.IndexOf('=');
        return equals < 0 ? parameter : parameter[..equals];
    }

    /// <summary>True when the name, form-decoded (<c>+</c> and <c>%XX</c>), is <c>token</c> in any case.</summary>
    private static bool IsTokenName(ReadOnlySpan<char> name)
    {
        // "token" is 5 characters; written entirely as %XX escapes it is 15.
        if (name.Length < TokenParameter.Length || name.Length > TokenParameter.Length * 3)
        {
            return false;
        }

        Span<char> decoded = stackalloc char[TokenParameter.Length * 3];
        var length = 0;
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (c == '%' && i + 2 < name.Length && char.IsAsciiHexDigit(name[i + 1]) && char.IsAsciiHexDigit(name[i + 2]))
            {
                c = (char)((HexValue(name[i + 1]) << 4) | HexValue(name[i + 2]));
                i += 2;
            }
            else if (c == '+')
            {
                c = ' ';
            }

            decoded[length++] = c;
        }

        return decoded[..length].Equals(TokenParameter, StringComparison.OrdinalIgnoreCase);
    }

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
