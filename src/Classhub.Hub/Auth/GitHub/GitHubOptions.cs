namespace Classhub.Hub.Auth.GitHub;

/// <summary>auth.github.*: an OAuth app on GitHub (or GitHub Enterprise Server: set both URLs).</summary>
internal sealed record GitHubOptions
{
    public required string ClientId { get; init; }

    public required string ClientSecret { get; init; }

    /// <summary>Only members of this organisation may sign in (empty: any GitHub account, then the hub's own rules decide).</summary>
    public string Organization { get; init; } = "";

    /// <summary>With <see cref="Organization"/>: only members of this team (its slug).</summary>
    public string Team { get; init; } = "";

    /// <summary>Where people sign in: https://github.com.</summary>
    public Uri WebUrl { get; init; } = new("https://github.com/");

    /// <summary>The REST API: https://api.github.com.</summary>
    public Uri ApiUrl { get; init; } = new("https://api.github.com/");
}
