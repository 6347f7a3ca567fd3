namespace Classhub.Core.Users;

/// <summary>
/// Which Unix accounts a hub user's server may ever run as, and whose home the hub may ever write into
/// (accounts.uid_min, accounts.uid_max, accounts.privileged_groups): only uids in <see cref="MinUid"/>..<see cref="MaxUid"/>,
/// and never a member of gid 0 or of a group that administers the machine (<see cref="AlwaysPrivileged"/> whatever the
/// configuration says, plus <see cref="PrivilegedGroups"/>). The rule holds for every account, however it was bound
/// (created, linked by an admin, proved with PAM): such an account can become root or read what only admins may read.
/// </summary>
public sealed record AccountRules
{
    public const uint DefaultMinUid = 1000;
    public const uint DefaultMaxUid = 60000;

    /// <summary>Groups that make an account an administrator on Debian and its relatives, refused whatever the configuration says.</summary>
    public static readonly IReadOnlyList<string> AlwaysPrivileged = ["root", "sudo", "adm", "wheel"];

    /// <summary>
    /// The default of accounts.privileged_groups: groups as good as root (docker, lxd, libvirt, disk, kmem, shadow) or
    /// admin-like by convention (admin; staff, which may write /usr/local, on root's PATH).
    /// </summary>
    public static readonly IReadOnlyList<string> DefaultPrivilegedGroups = ["admin", "staff", "docker", "lxd", "libvirt", "disk", "kmem", "shadow"];

    public uint MinUid { get; init; } = DefaultMinUid;

    public uint MaxUid { get; init; } = DefaultMaxUid;

    /// <summary>More groups whose members are refused, on top of <see cref="AlwaysPrivileged"/>.</summary>
    public IReadOnlyList<string> PrivilegedGroups { get; init; } = DefaultPrivilegedGroups;

    /// <summary>Null when the hub may run a server as <paramref name="account"/>; otherwise why not, in words for the admin.</summary>
    public string? Problem(SystemAccount account)
    {
        if (account.Uid < MinUid || account.Uid > MaxUid)
        {
            return $"its uid {account.Uid} is outside the range classhub runs servers as ({MinUid}-{MaxUid}: accounts.uid_min, accounts.uid_max)";
        }

        foreach (var group in account.Groups)
        {
            if (group.Id == 0)
            {
                return $"it is a member of group {group.Name} (gid 0)";
            }

            if (AlwaysPrivileged.Contains(group.Name, StringComparer.Ordinal))
            {
                return $"it is a member of group {group.Name}, which administers the machine";
            }

            if (PrivilegedGroups.Contains(group.Name, StringComparer.Ordinal))
            {
                return $"it is a member of group {group.Name}, which is as good as root or administers the machine (accounts.privileged_groups)";
            }
        }

        return null;
    }

    /// <summary>Problems with the values themselves (for start-up validation): the key, what is wrong, the fix; empty when usable.</summary>
    public IReadOnlyList<(string Key, string Problem, string Fix)> Validate()
    {
        var problems = new List<(string, string, string)>();
        if (MinUid < 1)
        {
            problems.Add(("accounts.uid_min", $"{MinUid} would let servers run as root (uid 0)", $"set it to {DefaultMinUid}, where Debian's useradd starts"));
        }

        if (MaxUid < MinUid)
        {
            problems.Add(("accounts.uid_max", $"{MaxUid} is below accounts.uid_min ({MinUid})", $"set it above accounts.uid_min; the default is {DefaultMaxUid}"));
        }

        foreach (var group in PrivilegedGroups.Where(g => g.Length == 0 || g.Any(c => char.IsWhiteSpace(c) || c == ':')))
        {
            problems.Add(("accounts.privileged_groups", $"'{group}' is not a group name", "list group names as in /etc/group"));
        }

        return problems;
    }
}
