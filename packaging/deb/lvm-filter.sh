# Sourced by postinst and postrm. LVM must never scan /dev/drbd*: a DRBD device shows the same
# bytes as the LV under it, so a tenant's PV inside a volume would appear on the storage host
# twice, and the host's udev-triggered autoactivation would activate the tenant's VG there.
# LVM has no drop-in directory; lvmlocal.conf (read after lvm.conf) is the host-local file, and
# the rule goes there between markers, only when no global_filter is set at all: an operator's
# own filter is never overridden (lvmlocal.conf would replace it, not extend it).
LVM_LOCAL=/etc/lvm/lvmlocal.conf
LVM_MARK_BEGIN='# >>> ebs-volume: LVM never scans DRBD devices (added by the ebs-volume package; removed on purge)'
LVM_MARK_END='# <<< ebs-volume'

lvm_filter_add() {
    command -v lvmconfig >/dev/null 2>&1 || return 0
    grep -qF "$LVM_MARK_BEGIN" "$LVM_LOCAL" 2>/dev/null && return 0
    current=$(lvmconfig devices/global_filter 2>/dev/null || true)
    if [ -n "$current" ]; then
        case "$current" in
            *drbd*) ;;
            *) echo "ebs-volume: WARNING: LVM's global_filter is set ($current) and does not reject /dev/drbd*;" \
                    "add \"r|^/dev/drbd|\" before its accept rules (lvm.conf or $LVM_LOCAL)" >&2 ;;
        esac
        return 0
    fi
    {
        echo "$LVM_MARK_BEGIN"
        echo 'devices {'
        echo '    global_filter = [ "r|^/dev/drbd|" ]'
        echo '}'
        echo "$LVM_MARK_END"
    } >> "$LVM_LOCAL"
}

lvm_filter_remove() {
    [ -f "$LVM_LOCAL" ] && grep -qF "$LVM_MARK_BEGIN" "$LVM_LOCAL" || return 0
    tmp=$(mktemp "$LVM_LOCAL.XXXXXX")
    awk -v b="$LVM_MARK_BEGIN" -v e="$LVM_MARK_END" '$0 == b {skip = 1} !skip {print} $0 == e {skip = 0}' "$LVM_LOCAL" > "$tmp"
    chmod 0644 "$tmp"
    mv -f "$tmp" "$LVM_LOCAL"
}
