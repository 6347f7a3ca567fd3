using Classhub.Core.Datasets;

namespace Classhub.Hub.Tests.Datasets;

/// <summary>Records what it was asked to mount and mounts nothing; reports <see cref="Problems"/> from every call.</summary>
internal sealed class RecordingDatasetMounts : IDatasetMounts
{
    private readonly List<(string User, string? Unix, IReadOnlyList<DatasetMount> Datasets)> _calls = [];

    public IReadOnlyList<(string User, string? Unix, IReadOnlyList<DatasetMount> Datasets)> Calls
    {
        get
        {
            lock (_calls)
            {
                return _calls.ToList();
            }
        }
    }

    public bool ReadOnlyByKernel => true;

    public IReadOnlyList<string> Problems { get; set; } = [];

    public string? RootFor(string userName) => $"/recorded/{userName}";

    public Task<IReadOnlyList<string>> EnsureAsync(string userName, string? unixUser, IReadOnlyList<DatasetMount> datasets, CancellationToken cancellationToken)
    {
        lock (_calls)
        {
            _calls.Add((userName, unixUser, datasets));
        }

        return Task.FromResult(Problems);
    }

    public List<string> Released { get; } = [];

    public Task ReleaseAsync(string userName, CancellationToken cancellationToken)
    {
        lock (_calls)
        {
            Released.Add(userName);
        }

        return Task.CompletedTask;
    }

    public string? HomeDirectoryOf(string unixUser) => null;
}
