/* For the Windows check under Wine only, never shipped. Rust's standard library asks
 * Windows 10 and later for random bytes through ProcessPrng in bcryptprimitives.dll; the
 * Wine of Debian 12 (8.0) lacks that library, so the check gives it one that answers
 * through RtlGenRandom (SystemFunction036), which Wine has. Real Windows has its own. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG n = len > 0x7fffffff ? 0x7fffffff : (ULONG)len;
        if (!SystemFunction036(data, n)) {
            return FALSE;
        }
        data += n;
        len -= n;
    }
    return TRUE;
}
