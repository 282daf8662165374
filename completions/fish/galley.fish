# fish completion for galley: a thin shim over `galley __complete WORDS...`.
function __galley_complete
    set -l words (commandline -opc)
    galley __complete $words[2..-1] (commandline -ct) 2>/dev/null
end
complete -c galley -f -a '(__galley_complete)'
