# fish completion for galley: a thin shim over `galley __completeNoDesc
# WORDS...` (cobra's form: candidates, then ":DIRECTIVE"; 4: no file names).
function __galley_complete
    set -l words (commandline -opc)
    set -l lines (galley __completeNoDesc $words[2..-1] (commandline -ct) 2>/dev/null)
    set -l directive (string replace ':' '' -- $lines[-1])
    set -e lines[-1]
    if test (count $lines) -gt 0
        printf '%s\n' $lines
    else if test -n "$directive"; and test (math "bitand($directive, 4)") -eq 0
        __fish_complete_path (commandline -ct)
    end
end
complete -c galley -f -a '(__galley_complete)'
