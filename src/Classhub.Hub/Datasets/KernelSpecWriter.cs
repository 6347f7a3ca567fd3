using System.Text.Json;
using System.Text.Json.Serialization;

namespace Classhub.Hub.Datasets;

/// <summary>Writes and removes a kernelspec folder (<c>kernel.json</c> written to a temp file, then renamed; world-readable).</summary>
internal static class KernelSpecWriter
{
    public static void Write(string specDir, string python, string displayName)
    {
        var readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        Directory.CreateDirectory(specDir, readable);
        var spec = new KernelSpecFile
        {
            Argv = [python, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            DisplayName = displayName,
            Language = "python",
        };
        var json = JsonSerializer.Serialize(spec, KernelSpecJsonContext.Default.KernelSpecFile);
        var path = Path.Combine(specDir, "kernel.json");
        var temp = Path.Combine(specDir, $".kernel.json.{Environment.ProcessId}.tmp");
        var fileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        using (var stream = new FileStream(temp, new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = fileMode }))
        {
            stream.Write(System.Text.Encoding.UTF8.GetBytes(json));
            stream.Flush(flushToDisk: true);
        }

        File.SetUnixFileMode(temp, fileMode);
        File.Move(temp, path, overwrite: true);
    }

    public static void Remove(string specDir)
    {
        if (Directory.Exists(specDir))
        {
            Directory.Delete(specDir, recursive: true);
        }
    }
}

/// <summary>Jupyter's kernel.json.</summary>
internal sealed class KernelSpecFile
{
    public List<string> Argv { get; set; } = [];

    public string DisplayName { get; set; } = "";

    public string Language { get; set; } = "";
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(KernelSpecFile))]
internal sealed partial class KernelSpecJsonContext : JsonSerializerContext;
