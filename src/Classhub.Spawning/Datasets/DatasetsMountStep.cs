using System.Globalization;
using Classhub.Spawning.Unix;

namespace Classhub.Spawning.Datasets;

/// <summary>
/// The root step of a server start that shows the user's dataset tree read-only at <c>~/datasets</c>, inside the
/// server's own mount namespace: <c>classhub internal mount-datasets</c>, run after <c>unshare --mount</c> by the
/// local-process spawner and first in the unit (PrivateMounts=yes) by the systemd spawner. A student can race it from
/// outside their server (SSH, cron, a Slurm job: swap <c>~/datasets</c> for a symlink, rename folders), so no step
/// resolves a path inside the home:
/// <list type="number">
/// <item>the home is opened by descriptor (<see cref="HomeFolder"/>) and must belong to the user;</item>
/// <item>a missing <c>~/datasets</c> is made with mkdirat as the user (setfsuid/setfsgid on this thread), so it is
/// made with their rights and is theirs;</item>
/// <item>it is opened with openat(O_NOFOLLOW|O_DIRECTORY) from the home's descriptor and must be a folder of the
/// user's (or root's: earlier versions left one; it is given to the user);</item>
/// <item>the tree is cloned with open_tree(OPEN_TREE_CLONE|AT_RECURSIVE), made read-only, nosuid and nodev with
/// mount_setattr(AT_RECURSIVE), and attached with move_mount onto the descriptor of step 3.</item>
/// </list>
/// The clone stays a slave of the hub's shared tree, so datasets the hub mounts or unmounts later reach the server.
/// </summary>
internal static class DatasetsMountStep
{
    /// <summary>Exit code: <c>~/datasets</c> is a symlink, not a folder, or someone else's; or the home is not the user's.</summary>
    public const int Refused = 70;

    /// <summary>Exit code: the home or <c>~/datasets</c> could not be opened or made.</summary>
    public const int CannotPrepare = 71;

    /// <summary>Exit code: the clone, its attributes or the move failed.</summary>
    public const int MountFailed = 72;

    private const string Name = "datasets";

    /// <summary>0 when the tree is mounted; otherwise an exit code above, with one line on <paramref name="errors"/> saying why.</summary>
    public static unsafe int Run(string source, string home, uint uid, uint gid, TextWriter errors)
    {
        var target = $"{home.TrimEnd('/')}/{Name}";
        using var homeFd = HomeFolder.Open(home, LibC.O_PATH, out var problem);
        if (homeFd is null)
        {
            return Fail(errors, CannotPrepare, $"{problem}; not mounting datasets");
        }

        if (homeFd.Facts() is not { } homeFacts || homeFacts.Uid != uid)
        {
            return Fail(errors, Refused, $"the home {home} does not belong to uid {Invariant(uid)}; not mounting datasets there");
        }

        if (MakeAsUser(homeFd, uid, gid) is { } made)
        {
            return Fail(errors, CannotPrepare, $"making {target}: {LibC.Describe(made)}");
        }

        using var folder = homeFd.OpenChild(Name, LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_NOFOLLOW, out var errno);
        if (folder is null)
        {
            return errno is LibC.ELOOP or LibC.ENOTDIR
                ? Fail(errors, Refused, $"{target} is a symlink or not a folder; not mounting datasets there (move it away and start the server again)")
                : Fail(errors, CannotPrepare, $"opening {target}: {LibC.Describe(errno)}");
        }

        if (folder.Facts() is not { IsDirectory: true } facts || (facts.Uid != uid && facts.Uid != 0))
        {
            return Fail(errors, Refused, $"{target} is not a folder of uid {Invariant(uid)}; not mounting datasets there");
        }

        if (facts.Uid == 0)
        {
            _ = LibC.FChown(folder.Number, uid, gid);
        }

        using var tree = Fd.Own(LibC.OpenTree(LibC.AT_FDCWD, source, LibC.OPEN_TREE_CLONE | LibC.OPEN_TREE_CLOEXEC | LibC.AT_RECURSIVE));
        if (tree is null)
        {
            return Fail(errors, MountFailed, $"cloning the dataset tree {source}: {LibC.Describe(LibC.Errno)}");
        }

        var attributes = new LibC.MountAttr { Set = LibC.MOUNT_ATTR_RDONLY | LibC.MOUNT_ATTR_NOSUID | LibC.MOUNT_ATTR_NODEV };
        if (LibC.MountSetAttr(tree.Number, "", (uint)(LibC.AT_EMPTY_PATH | LibC.AT_RECURSIVE), &attributes, (nuint)sizeof(LibC.MountAttr)) != 0)
        {
            return Fail(errors, MountFailed, $"making the dataset tree read-only: {LibC.Describe(LibC.Errno)}");
        }

        if (LibC.MoveMount(tree.Number, "", folder.Number, "", LibC.MOVE_MOUNT_F_EMPTY_PATH | LibC.MOVE_MOUNT_T_EMPTY_PATH) != 0)
        {
            return Fail(errors, MountFailed, $"mounting the dataset tree at {target}: {LibC.Describe(LibC.Errno)}");
        }

        return 0;
    }

    /// <summary>mkdirat as the user: null when the folder is there (made now or before), else the errno.</summary>
    private static int? MakeAsUser(Fd home, uint uid, uint gid)
    {
        // setfsuid/setfsgid act on this thread only, and nothing else runs on it until they are put back. While the
        // file-system uid is not 0 the kernel also drops CAP_DAC_OVERRIDE and friends, so the user's rights apply.
        var previousGid = LibC.SetFsGid(gid);
        var previousUid = LibC.SetFsUid(uid);
        int result;
        int errno;
        try
        {
            result = LibC.MkdirAt(home.Number, Name, 0x1ED);
            errno = result == 0 ? 0 : LibC.Errno;
        }
        finally
        {
            LibC.SetFsUid((uint)previousUid);
            LibC.SetFsGid((uint)previousGid);
        }

        return result == 0 || errno == LibC.EEXIST ? null : errno;
    }

    private static int Fail(TextWriter errors, int code, string message)
    {
        errors.WriteLine($"classhub: {message}");
        errors.Flush();
        return code;
    }

    private static string Invariant(uint value) => value.ToString(CultureInfo.InvariantCulture);
}
