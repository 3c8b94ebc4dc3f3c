//! The service templates the demo directory builds services from, one list per category.

/// Service templates for each kind of service: (name, what it is).
pub(super) const TEMPLATES: [&[(&str, &str)]; 12] = [
    // activities
    &[
        (
            "Inclusive Swimming",
            "Relaxed swimming sessions in a quieter pool, with extra staff in the water and a private changing area.",
        ),
        (
            "Sensory Play Sessions",
            "Messy play, lights and music in a calm sensory room, at each child's own pace.",
        ),
        (
            "Multi-Sports Club",
            "Football, tag rugby, boccia and games adapted so that everyone can join in.",
        ),
        (
            "Drama and Music Group",
            "Singing, drama and making music together, building confidence and friendships.",
        ),
        (
            "Climbing and Outdoor Adventures",
            "Climbing wall, canoeing and outdoor challenges led by qualified instructors.",
        ),
        (
            "Youth Club",
            "A friendly youth club with games, cooking, art and trips out, for young people with SEND.",
        ),
        (
            "Forest School",
            "Den building, campfires and nature walks in the woods, in small groups.",
        ),
        (
            "Art Club",
            "Painting, clay and craft in a relaxed setting with no pressure to finish anything.",
        ),
        (
            "Gaming and Coding Club",
            "Board games, video games and simple coding with others who share the interest.",
        ),
        (
            "Trampolining Club",
            "Trampolining sessions with coaches trained to work with disabled children.",
        ),
    ],
    // short-breaks
    &[
        (
            "Holiday Play Scheme",
            "Full days of play and trips in the school holidays, with one-to-one support where needed, giving families a break.",
        ),
        (
            "Saturday Short Breaks Club",
            "A Saturday club where disabled children and young people have fun with friends while parents and carers take a break.",
        ),
        (
            "Overnight Short Breaks",
            "Planned overnight stays in a homely setting with experienced carers.",
        ),
        (
            "Community Buddy Scheme",
            "A trained buddy helps a young person go to the clubs and activities they choose.",
        ),
    ],
    // education
    &[
        (
            "Specialist Learning Support",
            "Advice and training for schools so that pupils with SEND can learn and take part.",
        ),
        (
            "Alternative Provision",
            "Small-group teaching for pupils who cannot attend school full time, with a plan to return.",
        ),
        (
            "EHC Needs Assessment Guidance",
            "Explains the education, health and care needs assessment and helps families take part in it.",
        ),
        (
            "Dyslexia Tuition",
            "One-to-one structured literacy lessons for children with dyslexia.",
        ),
    ],
    // early-years
    &[
        (
            "Stay and Play",
            "A welcoming stay-and-play group for under-fives with SEND and their parents and carers.",
        ),
        (
            "Inclusive Nursery Places",
            "Nursery places with extra support for young children with SEND, including funded hours.",
        ),
        (
            "Portage Home Visiting",
            "Home visits that help under-fives with SEND learn through play, with a plan agreed with the family.",
        ),
        (
            "Early Talk Drop-in",
            "Drop in to talk about how your young child is communicating, and get ideas to try at home.",
        ),
    ],
    // health
    &[
        (
            "Speech and Language Therapy Clinic",
            "Assessment and therapy for children who find talking, understanding or swallowing difficult.",
        ),
        (
            "Children's Occupational Therapy",
            "Help with everyday skills such as dressing, eating, handwriting and play.",
        ),
        (
            "Children's Physiotherapy",
            "Assessment and exercise programmes for children with movement difficulties.",
        ),
        (
            "Continence Advice Clinic",
            "Practical support with toileting, bedwetting and continence products.",
        ),
        (
            "Epilepsy Nurse Clinic",
            "Specialist nurses who support children with epilepsy, their families and schools.",
        ),
    ],
    // mental-health
    &[
        (
            "Wellbeing Drop-in",
            "Drop in to talk with a wellbeing practitioner about worries, low mood or stress.",
        ),
        (
            "Counselling for Young People",
            "Free, confidential counselling sessions for children and young people.",
        ),
        (
            "Anxiety Support Group",
            "A small group where young people learn ways to manage anxiety, together.",
        ),
        (
            "Parent Wellbeing Sessions",
            "Sessions for parents and carers on looking after their own wellbeing and their child's.",
        ),
    ],
    // social-care
    &[
        (
            "Disabled Children's Assessments",
            "An assessment of what a disabled child and their family need, and a plan to meet it.",
        ),
        (
            "Support at Home",
            "Care workers who help with personal care and routines at home.",
        ),
        (
            "Direct Payments Advice",
            "Help to use direct payments to arrange your own care and short breaks.",
        ),
    ],
    // family-support
    &[
        (
            "Parent Carer Coffee Morning",
            "A relaxed coffee morning to meet other parents and carers of children with SEND.",
        ),
        (
            "Understanding Autism Course for Parents",
            "A six-week course for parents and carers on autism, communication and behaviour.",
        ),
        (
            "Sibling Support Group",
            "Fun sessions and a chance to talk for brothers and sisters of disabled children.",
        ),
        (
            "Parent Carer Support Line",
            "Someone to listen and signpost, for parents and carers who need to talk.",
        ),
        (
            "Sleep Support Workshops",
            "Practical workshops on sleep routines for children with additional needs.",
        ),
    ],
    // advice
    &[
        (
            "SEND Information and Advice Line",
            "Free, impartial, confidential advice on SEND, school support and EHC plans.",
        ),
        (
            "EHC Plan Advice Sessions",
            "One-to-one appointments to go through an EHC plan, an annual review or an appeal.",
        ),
        (
            "Benefits and DLA Advice",
            "Help claiming Disability Living Allowance, Carer's Allowance and other benefits.",
        ),
    ],
    // adulthood
    &[
        (
            "Supported Internships",
            "A year-long work placement with a job coach, for young people with an EHC plan.",
        ),
        (
            "Independent Living Skills",
            "Cooking, budgeting, travel and looking after a home, learned step by step.",
        ),
        (
            "Moving to Adult Services Clinic",
            "Helps young people and families plan the move from children's to adult services.",
        ),
    ],
    // equipment
    &[
        (
            "Equipment Loan Library",
            "Borrow sensory toys, communication aids and specialist equipment before you buy.",
        ),
        (
            "Home Adaptations Advice",
            "Advice on ramps, hoists and other changes to the home, and how to apply for a grant.",
        ),
        (
            "Wheelchair and Seating Service",
            "Assessment for wheelchairs and specialist seating, with repairs and reviews.",
        ),
    ],
    // transport
    &[
        (
            "Travel Training",
            "Trainers who help young people learn to travel on their own by bus, train or bike.",
        ),
        (
            "Community Minibus",
            "Door-to-door accessible minibus trips to clubs, activities and appointments.",
        ),
        (
            "School Travel Assistance Advice",
            "Advice on help with travel to school or college for children with SEND.",
        ),
    ],
];
