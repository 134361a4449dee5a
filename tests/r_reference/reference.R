# Reference values from R for tests/test_r_reference.py (statsmodels' habit:
# results of other software, stored beside the tests with the script that made them).
#
# Run from the repository root with `make r-reference` (which first writes
# margins.csv from helpers.analysis.weighting.reference_margins). Needs Debian's
# r-base-core, r-cran-haven, r-cran-psych, r-cran-survey and r-cran-mass.
# Writes tests/r_reference/results.csv: one row per quantity (name, key, value).
suppressPackageStartupMessages({
  library(haven); library(psych); library(survey); library(MASS)
})
out <- data.frame(name = character(), key = character(), value = numeric())
add <- function(name, key, value) {
  out <<- rbind(out, data.frame(name = name, key = as.character(key), value = as.numeric(value)))
}

# User-missing codes 96-99 become NA (haven's default).
survey_data <- zap_labels(read_sav("data/processed/enquete.sav"))

# --- Cronbach's alpha (psych::alpha) on the reversed items, complete cases -----
# Directions as in src/helpers/data/scales.yaml (-1: negatively worded).
motives <- list(
  personal_values = c(role_contribute = 1, role_duty = 1, role_help_others = 1, role_fend_self = -1),
  broadening_competences = c(role_develop = 1, role_network = 1, role_benefits = 1, role_fun = 1),
  perceived_effort = c(role_effort = -1, role_confront_negative = -1),
  responsibilisation = c(role_only_government = -1, role_police_guarantee = -1,
                         role_help_meaningful = 1, role_investigation_useful = 1)
)
items_of <- function(directions) {
  x <- as.data.frame(survey_data[, names(directions)])
  x[!sapply(x, function(v) v %in% 1:5)] <- NA
  x <- na.omit(x)
  for (item in names(directions)) if (directions[[item]] == -1) x[[item]] <- 6 - x[[item]]
  x
}
all_directions <- unlist(unname(motives))
names(all_directions) <- unlist(lapply(motives, names))
scales <- c(list(all = all_directions), motives)
for (scale in names(scales)) {
  x <- items_of(scales[[scale]])
  a <- suppressWarnings(psych::alpha(x, check.keys = FALSE, warnings = FALSE))$total$raw_alpha
  ci <- psych::alpha.ci(a, n.obs = nrow(x), n.var = ncol(x), p.val = 0.05, digits = 10)
  add("alpha", scale, a)
  add("alpha_lower", scale, ci$lower.ci)
  add("alpha_upper", scale, ci$upper.ci)
  add("alpha_n", scale, nrow(x))
}

# --- Principal axis factoring (psych::fa), unrotated ----------------------------
x <- items_of(all_directions)
fa3 <- suppressWarnings(psych::fa(x, nfactors = 3, fm = "pa", rotate = "none",
                                  max.iter = 1000, min.err = 1e-9, SMC = TRUE))
for (item in names(fa3$communality)) add("fa3_communality", item, fa3$communality[[item]])
fa4 <- suppressWarnings(psych::fa(x, nfactors = 4, fm = "pa", rotate = "none",
                                  max.iter = 1000, min.err = 1e-9, SMC = TRUE))
add("fa4_max_communality", names(which.max(fa4$communality)), max(fa4$communality))

# --- Raking (survey::rake) to the normalised Veiligheidsmonitor margins --------
margins <- read.csv("tests/r_reference/margins.csv")
w_data <- as.data.frame(survey_data[, c("resp_id", "gender", "education", "occupation")])
w_data <- w_data[complete.cases(w_data), ]
n <- nrow(w_data)
for (v in c("gender", "education", "occupation")) w_data[[v]] <- factor(w_data[[v]])
design <- svydesign(ids = ~1, data = w_data, weights = ~rep(1, n))
population <- lapply(c("gender", "education", "occupation"), function(v) {
  m <- margins[margins$variable == v, ]
  t <- data.frame(factor(m$code, levels = levels(w_data[[v]])), Freq = n * m$percent / 100)
  names(t)[1] <- v
  t
})
raked <- rake(design, list(~gender, ~education, ~occupation), population,
              control = list(maxit = 1000, epsilon = 1e-10))
w <- weights(raked)
w <- w / mean(w)
for (i in seq_len(n)) add("rake_weight", w_data$resp_id[i], w[i])

# --- Ordinal logit (MASS::polr): the model of chapter 8 ------------------------
m <- as.data.frame(survey_data[, c("init_surveillance", "age", "gender", "education")])
m <- m[complete.cases(m), ]
m$init_surveillance <- factor(m$init_surveillance, levels = 1:5, ordered = TRUE)
m$gender <- factor(m$gender)
m$education <- factor(m$education)
m$age10 <- m$age / 10
fit <- polr(init_surveillance ~ age10 + gender + education, data = m, Hess = TRUE, method = "logistic")
for (term in names(coef(fit))) add("polr_coef", term, coef(fit)[[term]])
se <- sqrt(diag(vcov(fit)))
for (term in names(coef(fit))) add("polr_se", term, se[[term]])
for (cut in names(fit$zeta)) add("polr_zeta", cut, fit$zeta[[cut]])
add("polr_n", "n", nrow(m))

# --- Wilson interval: prop.test without continuity correction ------------------
for (pair in list(c(1, 20), c(0, 15), c(428, 1122), c(525, 973), c(60, 61))) {
  ci <- prop.test(pair[1], pair[2], correct = FALSE)$conf.int
  key <- paste(pair[1], pair[2], sep = "/")
  add("wilson_lower", key, ci[1])
  add("wilson_upper", key, ci[2])
}

write.csv(out, "tests/r_reference/results.csv", row.names = FALSE)
cat("wrote tests/r_reference/results.csv:", nrow(out), "values\n")
