using System.Text;

namespace Classhub.Proxy.Forwarding;

/// <summary>Removes one cookie by name from Cookie header values.</summary>
internal static class CookieFilter
{
    public static string Without(IEnumerable<string> cookieHeaders, string name)
    {
        var kept = new StringBuilder();
        foreach (var header in cookieHeaders)
        {
            foreach (var part in header.Split(';'))
            {
                var pair = part.Trim();
                if (pair.Length == 0)
                {
                    continue;
                }

                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                var cookieName = eq < 0 ? pair : pair[..eq];
                if (string.Equals(cookieName, name, StringComparison.Ordinal))
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
}
