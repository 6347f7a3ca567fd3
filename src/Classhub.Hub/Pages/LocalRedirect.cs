namespace Classhub.Hub.Pages;

/// <summary>Only local paths may be used as a redirect target after sign-in (no open redirects).</summary>
internal static class LocalRedirect
{
    public static string Safe(string? next, string fallback = "/hub/home")
    {
        if (string.IsNullOrEmpty(next) || next[0] != '/' || next.StartsWith("//", StringComparison.Ordinal) || next.StartsWith("/\\", StringComparison.Ordinal) || next.Contains('\\', StringComparison.Ordinal))
        {
            return fallback;
        }

        foreach (var c in next)
        {
            if (char.IsControl(c))
            {
                return fallback;
            }
        }

        return next;
    }
}
