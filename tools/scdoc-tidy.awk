# Removes the paragraph macros scdoc 1.11 emits where mandoc -Tlint warns
# ("skipping paragraph macro"): after .SH/.SS, before .SH/.SS/.P, and a .P
# before .RE is moved after it. groff and mandoc render the same.
{ l[NR] = $0 }
END {
    for (i = 1; i <= NR; i++)
        if (l[i] == ".P" && l[i + 1] == ".RE") { l[i] = ".RE"; l[i + 1] = ".P" }
    for (i = 1; i <= NR; i++) {
        if (l[i] == ".P" && (i == NR || l[i + 1] ~ /^\.(SH|SS|P)( |$)/ || l[i - 1] ~ /^\.(SH|SS|TH) /))
            continue
        print l[i]
    }
}
