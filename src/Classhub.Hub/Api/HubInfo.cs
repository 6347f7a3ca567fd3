namespace Classhub.Hub.Api;

/// <summary>Versions reported by the API. The JupyterHub API version is the one whose single-user contract we speak.</summary>
internal static class HubInfo
{
    public const string JupyterHubApiVersion = "3.0.0";

    public static string ClasshubVersion { get; } =
        typeof(HubInfo).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}
