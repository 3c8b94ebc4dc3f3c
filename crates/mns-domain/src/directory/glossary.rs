//! Plain English for the words and acronyms families meet in the Local Offer. Pages link an
//! acronym to its entry, so nobody has to already know what "SENDIASS" means to use the service.

/// One entry: the word as written, and what it means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GlossaryEntry {
    /// The word or acronym.
    pub term: &'static str,
    /// The words it stands for, if it is an acronym.
    pub stands_for: Option<&'static str>,
    /// What it means, in a sentence or two.
    pub meaning: &'static str,
}

const fn entry(
    term: &'static str,
    stands_for: Option<&'static str>,
    meaning: &'static str,
) -> GlossaryEntry {
    GlossaryEntry {
        term,
        stands_for,
        meaning,
    }
}

/// Every entry, in alphabetical order.
pub const GLOSSARY: [GlossaryEntry; 22] = [
    entry(
        "ADHD",
        Some("Attention deficit hyperactivity disorder"),
        "A condition that affects attention, activity and acting on impulse.",
    ),
    entry(
        "Annual review",
        None,
        "The meeting, at least once a year, that checks whether an EHC plan is still right.",
    ),
    entry(
        "ASD",
        Some("Autism spectrum disorder"),
        "Another name for autism. Many people prefer 'autism' or 'autistic'.",
    ),
    entry(
        "CAMHS",
        Some("Child and adolescent mental health services"),
        "NHS services for children and young people with emotional or mental health difficulties.",
    ),
    entry(
        "DSL",
        Some("Designated safeguarding lead"),
        "The member of staff at a school responsible for keeping children safe.",
    ),
    entry(
        "EHC needs assessment",
        Some("Education, health and care needs assessment"),
        "The council's detailed look at a child's needs, which may lead to an EHC plan.",
    ),
    entry(
        "EHCP",
        Some("Education, health and care plan"),
        "A legal document describing a child or young person's needs and the support they must get, up to age 25.",
    ),
    entry(
        "HLSA",
        Some("Home learning support assistant"),
        "Someone who teaches a child at home or in the community when they are too ill to go to school.",
    ),
    entry(
        "Local Offer",
        None,
        "The council's published information about support for children and young people with SEND and their families.",
    ),
    entry(
        "OT",
        Some("Occupational therapy"),
        "Help with everyday skills such as dressing, writing and using equipment.",
    ),
    entry(
        "PfA",
        Some("Preparing for adulthood"),
        "Support from age 14 towards work, independent living, friendships and good health.",
    ),
    entry(
        "Portage",
        None,
        "A home-visiting service for pre-school children with SEND and their families.",
    ),
    entry(
        "SALT",
        Some("Speech and language therapy"),
        "Help with speaking, understanding, communication, eating and swallowing.",
    ),
    entry(
        "SEMH",
        Some("Social, emotional and mental health"),
        "Needs such as anxiety, low mood or behaviour that shows distress.",
    ),
    entry(
        "SEN support",
        None,
        "Extra help a school or nursery gives a child with SEND without an EHC plan.",
    ),
    entry(
        "SENCO",
        Some("Special educational needs coordinator"),
        "The teacher who organises support for children with SEND at a school or nursery.",
    ),
    entry(
        "SEND",
        Some("Special educational needs and disabilities"),
        "Learning difficulties or disabilities that make it harder for a child to learn than most children of the same age.",
    ),
    entry(
        "SENDIASS",
        Some("SEND information, advice and support service"),
        "Free, confidential and impartial advice for families about SEND, run at arm's length from the council.",
    ),
    entry(
        "Short breaks",
        None,
        "Time away for a disabled child that also gives parents and carers a rest.",
    ),
    entry(
        "SLCN",
        Some("Speech, language and communication needs"),
        "Difficulty speaking, understanding or being understood.",
    ),
    entry(
        "Specialist resource base",
        None,
        "A class in a mainstream school for children with a particular need, such as autism or hearing impairment.",
    ),
    entry(
        "Transition",
        None,
        "Moving from one stage to the next: nursery to school, primary to secondary, children's to adult services.",
    ),
];

/// The entry for `term`, if the glossary has one (case does not matter).
pub fn explain(term: &str) -> Option<&'static GlossaryEntry> {
    GLOSSARY
        .iter()
        .find(|e| e.term.eq_ignore_ascii_case(term.trim()))
}

/// The id a page uses to link to an entry (`#glossary-sendiass`).
pub fn anchor(entry: &GlossaryEntry) -> String {
    let slug: String = entry
        .term
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    format!("glossary-{slug}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_glossary_is_in_alphabetical_order_without_repeats() {
        for pair in GLOSSARY.windows(2) {
            assert!(
                pair[0].term.to_lowercase() < pair[1].term.to_lowercase(),
                "{} before {}",
                pair[0].term,
                pair[1].term
            );
        }
    }

    #[test]
    fn acronyms_are_explained() {
        let e = explain("sendiass").expect("entry");
        assert_eq!(
            e.stands_for,
            Some("SEND information, advice and support service")
        );
        assert_eq!(anchor(e), "glossary-sendiass");
        assert!(explain("XYZ").is_none());
    }
}
