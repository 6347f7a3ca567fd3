#!/usr/bin/env bash
# Builds artifacts/classhub_<version>_amd64.deb from packaging/ and the AOT binary, with plain dpkg-deb.
#   packaging/build-deb.sh BINARY OUTDIR
# Version: packaging/VERSION, or $CLASSHUB_DEB_VERSION (a rebuild with a higher version, e.g. for the upgrade test).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
binary=$1
outdir=$2
version=${CLASSHUB_DEB_VERSION:-$(tr -d '[:space:]' < "$here/VERSION")}
[ -x "$binary" ] || { echo "build-deb: $binary is not an executable; run ./build.sh publish first" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/root
umask 022

install -D -m 0755 "$binary" "$root/usr/bin/classhub"
# The conffile is the binary's own documented default, so the file cannot drift from the keys the hub reads.
install -d -m 0755 "$root/etc/classhub"
"$binary" config default > "$root/etc/classhub/classhub.json" || { echo "build-deb: '$binary config default' failed" >&2; exit 1; }
chmod 0644 "$root/etc/classhub/classhub.json"
install -D -m 0644 "$here/pam.d/classhub" "$root/etc/pam.d/classhub"
install -d -m 0755 "$root/lib/systemd/system"

# ExecStartPre runs `classhub config check` once the binary has that command; an older binary would fail it.
if "$binary" --help 2>/dev/null | grep -qE '^\s+config\b'; then
  pre='ExecStartPre=/usr/bin/classhub config check'
else
  pre='# ExecStartPre=/usr/bin/classhub config check (this build of the binary has no config command yet)'
fi
sed "s|@EXECSTARTPRE@|$pre|" "$here/classhub.service" > "$root/lib/systemd/system/classhub.service"
chmod 0644 "$root/lib/systemd/system/classhub.service"

doc=$root/usr/share/doc/classhub
install -D -m 0644 "$here/debian/copyright" "$doc/copyright"
{
  if ! head -1 "$here/debian/changelog" | grep -qF "($version)"; then
    printf 'classhub (%s) unstable; urgency=medium\n\n  * Rebuild of %s as %s.\n\n -- classhub maintainers <classhub-maintainers@example.org>  %s\n\n' \
      "$version" "$(tr -d '[:space:]' < "$here/VERSION")" "$version" "$(date -R -u)"
  fi
  cat "$here/debian/changelog"
} | gzip -9n > "$doc/changelog.gz"
chmod 0644 "$doc/changelog.gz"
install -d -m 0755 "$root/usr/share/man/man1"
gzip -9n < "$here/classhub.1" > "$root/usr/share/man/man1/classhub.1.gz"
chmod 0644 "$root/usr/share/man/man1/classhub.1.gz"
install -D -m 0644 "$here/lintian-overrides" "$root/usr/share/lintian/overrides/classhub"

# Dependencies of the binary as dpkg-shlibdeps sees them (libc6 with the right minimum version).
mkdir -p "$work/shlibs/debian"
printf 'Source: classhub\n\nPackage: classhub\nArchitecture: amd64\n' > "$work/shlibs/debian/control"
shlibs=$(cd "$work/shlibs" && dpkg-shlibdeps -O "$root/usr/bin/classhub" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[ -n "$shlibs" ] || shlibs='libc6 (>= 2.34)'

install -d -m 0755 "$root/DEBIAN"
install -m 0644 "$here/debian/conffiles" "$root/DEBIAN/conffiles"
install -m 0755 "$here/debian/postinst" "$here/debian/prerm" "$here/debian/postrm" "$root/DEBIAN/"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s|@VERSION@|$version|" -e "s|@SHLIBS@|$shlibs|" -e "s|@INSTALLED_SIZE@|$size|" "$here/debian/control.in" > "$root/DEBIAN/control"
(cd "$root" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | sort -z | xargs -0 md5sum) > "$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/md5sums"

# Reproducible: every file dated at the last commit, not at build time.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$here" log -1 --format=%ct 2>/dev/null || date +%s)}
find "$root" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

mkdir -p "$outdir"
deb="$outdir/classhub_${version}_amd64.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
